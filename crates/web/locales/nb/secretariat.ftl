## Sider for virksomheter, åpnet uten virksomhet
no-tenant-title = Siden gjelder en virksomhet
no-tenant-text = Denne siden viser arbeidet til én virksomhet, og du er ikke medlem av noen virksomhet. Be virksomhetens administrator om å legge deg til hvis du skal arbeide med den.
no-tenant-secretariat = Gå til Normensekretariatet
no-tenant-catalogue = Se kravkatalogen

## Sektorstatistikk: forklaringer
sec-stat-hidden-short = skjult
sec-stat-legend-hidden = Skjult for å verne enkeltvirksomheter: tallet bygger på færre enn { $k } virksomheter, eller det kunne ha blitt regnet ut fra slike tall ved å trekke fra.
sec-stat-legend-empty = Ingen virksomheter i gruppen.
sec-stat-legend-n = Antall virksomheter tallet bygger på.
sec-stat-k-plain = k er det minste antallet virksomheter et tall må bygge på for å bli vist. Nå er k = { $k }: et snitt vises bare når minst { $k } virksomheter står bak det, slik at ingen kan se svarene til én enkelt virksomhet. Et høyere tall verner bedre, men skjuler flere celler. k kan ikke settes lavere enn 3 eller høyere enn 100.
sec-stat-k-label = Minste antall virksomheter bak et tall (k)

## Møtesiden: sakslisten og redigering per sak
sec-col-time = Tid
sec-time-hint = Skriv klokkeslett som TT:MM, for eksempel 09:30.
sec-time-slot-hint = Fra og til, for eksempel 10:30–11:15. Starttiden brukes til å sjekke at de som kommenterer, var til stede.
sec-attendance-hint = «Fra klokken» fylles bare ut for «Til stede fra klokkeslett», som TT:MM.
sec-attendance-edit = Registrer oppmøte
sec-cancel = Avbryt
sec-agenda = Saksliste
sec-agenda-empty = Ingen saker er satt opp ennå.
sec-no-comments = Ingen merknader.
sec-no-decision-yet = Ikke vedtatt ennå.
sec-none = Ingen
sec-done-editing = Ferdig med saken
sec-case-work = Arbeid med saken (endre, merknader, vedtak)
sec-case-work-decided = Legg til merknad eller endre vedtaket
sec-number-hint-next = Tomt felt gir neste ledige nummer i året (saksnummer skrives NN/ÅÅ, for eksempel { $example }).
sec-comment-not-yet-present = { $organisation } kom { $from } ifølge oppmøtelisten, men sak { $case } startet { $starts }. Merknaden ble ikke lagret. Rett oppmøtet eller sakens tidspunkt hvis de er feil.
sec-comment-absent = { $organisation } hadde meldt forfall ifølge oppmøtelisten og kan ikke ha kommentert sak { $case } (start { $starts }). Merknaden ble ikke lagret. Rett oppmøtet hvis det er feil.
