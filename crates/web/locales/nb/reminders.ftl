# Påminnelser: dashbordet, den daglige e-posten og kalenderen.
# Every key here must also exist in en/reminders.ftl.

due-action = Frist: { $title }
due-measure = Gjennomgang: { $title }
due-evidence = Dokumentasjon utløper: { $title }
due-title = Utløper og forfaller
due-intro = Sikringstiltak som skal gjennomgås og dokumentasjon som utløper de neste 30 dagene, og det som allerede er passert.
due-passed = Passert
due-none = Ingenting utløper de neste 30 dagene.
digest-subject = etterlev: { $count } ting å følge opp
digest-greeting = Hei { $name },
digest-intro = Her er dagens påminnelser fra etterlev: frister som har gått ut eller kommer den neste uken, og sikringstiltak og dokumentasjon som skal gjennomgås eller utløper den neste måneden.
digest-passed = Passert:
digest-coming = Kommer:
digest-why = Du får denne e-posten fordi du kan redigere i virksomheten. Du får høyst én slik e-post om dagen, og bare når det er noe å følge opp.
calendar-name = etterlev – frister og gjennomganger
calendar-title = Kalenderabonnement
calendar-intro = Abonner på fristene dine i Outlook, Google Kalender eller Apple Kalender: tiltaksfrister, gjennomgang av sikringstiltak og dokumentasjon som utløper, i alle virksomhetene du er med i. Lenken er personlig og virker uten innlogging, så del den ikke. Du kan trekke den tilbake når som helst.
calendar-create = Lag lenke
calendar-replace = Lag ny lenke (den gamle slutter å virke)
calendar-revoke = Trekk tilbake lenken
calendar-active = Du har en aktiv kalenderlenke.
calendar-link-once = Kopier lenken nå og legg den inn som kalenderabonnement. Den vises bare denne ene gangen.
calendar-link-label = Kalenderlenke
calendar-created = Ny kalenderlenke er laget.
calendar-revoked = Kalenderlenken er trukket tilbake.
