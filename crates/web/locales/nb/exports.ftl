# Downloaded file names (lower case, no spaces): the answers spreadsheet is
# "<prefix>-<assessment title>-<suffix>.xlsx".
answers-xlsx-prefix = egenvurdering
answers-xlsx-suffix = svar
