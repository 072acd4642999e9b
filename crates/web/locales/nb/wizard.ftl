# The small-enterprise path: the short list and the rest for later.
wizard-focus-heading = Gjør dette først ({ $count })
wizard-later-heading = Senere ({ $count })
wizard-later-intro = Ta disse når de første er på plass. Dere kan gjøre hvert av dem til et tiltak når dere er klare.
