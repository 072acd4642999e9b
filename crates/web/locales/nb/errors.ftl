# What to do next, under each error page (key: the error's key + "-next").
error-not-found-next = Sjekk adressen, eller gå tilbake og velg fra menyen. Det kan også være at du ikke har tilgang til dette i virksomheten du har valgt.
error-forbidden-next = Rollen din gir ikke tilgang til dette. Be en administrator i virksomheten om en annen rolle.
error-bad-request-next = Gå tilbake, rett opp det som står over og prøv igjen.
error-conflict-next = Last siden på nytt for å se det som er lagret nå, og gjør endringen på nytt.
error-internal-next = Prøv igjen om litt. Skjer det igjen, kontakt den som drifter etterlev og oppgi feilkoden under.
error-busy-next = Vent et halvt minutt og prøv igjen.
error-request-id = Feilkode:
