# Norsk bokmål — standardspråket. Hver nøkkel må også finnes i en/main.ftl.

## Felles
skip-to-content = Hopp til innholdet
tenant-switch = Virksomhet
tenant-switch-button = Bytt
switch-lang = English
logout = Logg ut
nav-label = Hovedmeny
nav-dashboard = Oversikt
nav-users = Brukere
nav-audit = Revisjonslogg
nav-account = Min konto
footer = etterlev – etterlevelse av Normen, personvern og informasjonssikkerhet i helse- og omsorgssektoren
back-home = Til forsiden
back = Tilbake
save = Lagre
yes = Ja
no = Nei
older = Eldre oppføringer

## Moduler
module-catalogue = Kravkatalog
module-catalogue-text = Normen, NIS2, digitalsikkerhetsloven og GDPR som versjonerte krav, med koblinger og endringer mellom versjoner.
module-assessment = Egenvurdering
module-assessment-text = Vurder hvert krav: status, modenhet, dokumentasjon og eier. Poeng per kapittel og utvikling over tid.
module-small-enterprise = Små virksomheter
module-small-enterprise-text = En veiledet vei på klart språk for legekontor, tannleger, fysioterapeuter og apotek – ferdig på under 30 minutter.
module-actions = Tiltaksplan
module-actions-text = Tiltak fra mangler og risiko, med eier, frist, prioritet og status.
module-risk = Risiko
module-risk-text = Verdier, trusler, sårbarheter og scenarier i en risikomatrise med egne akseptkriterier. Pasientsikkerhet først.
module-incidents = Hendelser
module-incidents-text = Avviks- og hendelsesregister med meldefristene i NIS2, GDPR og digitalsikkerhetsloven.
module-suppliers = Leverandører
module-suppliers-text = Leverandørregister, kravsett for anskaffelser, spørreskjema og ansvarsmatrisen (HUKI).
module-continuity = Kontinuitet
module-continuity-text = Kritiske systemer med RTO og RPO, sikkerhetskopiering, gjenopprettingstester og øvelser.
module-tools = Verktøy
module-tools-text = Passordpolicy, syntetiske testdata, pseudonymisering, skanning etter fødselsnummer og integritetssjekk.
module-reports = Rapporter
module-reports-text = Ledelsesrapport, mangelliste og tiltaksplan i Word, Excel, HTML og PDF.
module-coming = Kommer
module-coming-long = Denne modulen er under utvikling. Plattformen (innlogging, virksomheter, roller og revisjonslogg) er klar.

## Oversikt
dashboard-title = Oversikt
dashboard-intro = Her ser du virksomhetens arbeid med etterlevelse.
dashboard-your-role = Din rolle
dashboard-no-tenant = Du er ikke medlem av noen virksomhet ennå. Be en administrator om å legge deg til.
dashboard-enable-totp = Kontoen din er ikke beskyttet med totrinnsinnlogging.
dashboard-tenant-count = Du har tilgang til { $count } virksomhet(er).

## Innlogging
login-title = Logg inn
login-button = Logg inn
login-oidc = Logg inn med { $provider }
login-failed = Feil e-postadresse eller passord.
login-throttled = For mange mislykkede forsøk. Vent 15 minutter og prøv igjen.
totp-title = Totrinnsinnlogging
totp-code = Engangskode
totp-help = Skriv inn den sekssifrede koden fra autentiseringsappen, eller en av gjenopprettingskodene dine.
totp-button = Bekreft
totp-failed = Koden er feil eller allerede brukt. Prøv neste kode.
oidc-failed = Innlogging via identitetsleverandøren mislyktes. Prøv igjen.
oidc-no-account = Vi fant ingen bruker for denne identiteten. Be en administrator om å invitere deg med samme e-postadresse.

## Oppsett
setup-title = Sett opp etterlev
setup-password-title = Velg passord
setup-enterprise = Virksomheten
setup-admin = Første administrator
setup-button = Fullfør
org-number-help = Ni siffer fra Enhetsregisteret, for eksempel 974 760 673.
password-help = Minst 12 tegn. En setning av flere ord er både sikker og lett å huske.

## Felter
field-email = E-postadresse
field-password = Passord
field-current-password = Nåværende passord
field-new-password = Nytt passord
field-confirm-password = Gjenta passordet
field-display-name = Navn
field-tenant-name = Virksomhetens navn
field-org-number = Organisasjonsnummer
field-kind = Type virksomhet
field-size = Størrelse
field-role = Rolle
field-token-name = Navn på nøkkelen
field-empty = { $field } må fylles ut.
field-too-long = { $field } kan ha høyst { $max } tegn.
field-invalid = { $field } er ikke gyldig.

## Feil
error-not-found = Finnes ikke
error-forbidden = Ingen tilgang
error-bad-request = Ugyldig forespørsel
error-conflict = Finnes allerede
error-internal = Noe gikk galt hos oss. Feilen er logget.
error-busy = Mange logger inn akkurat nå. Vent litt og prøv igjen.
error-org-number = Organisasjonsnummeret er ikke gyldig (ni siffer med riktig kontrollsiffer).
error-kind = Velg type virksomhet.
error-size = Velg størrelse.
error-email = Skriv en gyldig e-postadresse.
error-password-mismatch = Passordene er ikke like.
error-current-password = Nåværende passord er feil.
error-role = Velg en gyldig rolle.
error-already-member = Brukeren er allerede medlem av virksomheten.
password-too-short = Passordet må ha minst { $min } tegn.
password-too-long = Passordet kan ha høyst { $max } tegn.
password-too-common = Passordet er for vanlig eller for enkelt.
password-contains-identity = Passordet kan ikke inneholde e-postadressen din.

## Meldinger
notice-logged-out = Du er logget ut.
notice-password-set = Passordet er lagret. Du kan logge inn.
notice-setup-done = etterlev er satt opp. Logg inn som administrator.
notice-password-changed = Passordet er endret. Andre økter er logget ut.
notice-totp-disabled = Totrinnsinnlogging er slått av.
notice-totp-enabled = Totrinnsinnlogging er slått på.
notice-token-revoked = Nøkkelen er trukket tilbake.
notice-member-updated = Rollen er endret.
notice-member-removed = Brukeren er fjernet fra virksomheten.

## Konto
account-password = Passord
account-change-password = Endre passord
account-no-password = Kontoen logger inn via identitetsleverandør og har ikke passord her.
account-totp = Totrinnsinnlogging
account-totp-on = Totrinnsinnlogging er på. Du har { $left } ubrukte gjenopprettingskoder.
account-totp-off = Totrinnsinnlogging er av.
account-sessions = Innlogginger
col-signed-in = Logget inn
col-last-seen = Sist aktiv
session-current = Denne økten
sessions-end-others = Logg ut alle andre økter
notice-sessions-ended = Alle andre økter er logget ut.
account-tokens = API-nøkler
account-tokens-help = Personlige nøkler for REST-API-et (/api/v1). En nøkkel har samme tilgang som deg og gjelder i ett år.
token-shown-once = Kopier nøkkelen nå. Den vises bare denne ene gangen.
token-revoked = Trukket tilbake
token-active = Aktiv
token-revoke = Trekk tilbake
token-create = Lag ny nøkkel
totp-enable = Slå på totrinnsinnlogging
totp-disable = Slå av totrinnsinnlogging
totp-step-scan = Skann QR-koden med en autentiseringsapp (for eksempel Microsoft Authenticator eller Google Authenticator).
totp-step-code = Skriv inn koden appen viser, for å bekrefte.
totp-qr-alt = QR-kode for autentiseringsappen
totp-manual = Kan du ikke skanne? Skriv inn denne nøkkelen:
totp-confirm = Bekreft og slå på
recovery-title = Gjenopprettingskoder
recovery-help = Ta vare på disse kodene et trygt sted. Hver kode kan brukes én gang hvis du mister autentiseringsappen. De vises bare nå.
recovery-done = Jeg har tatt vare på kodene

## Brukere
users-add = Legg til bruker
users-add-button = Legg til
users-remove = Fjern fra virksomheten
invite-created = Brukeren er opprettet. Send denne engangslenken til brukeren, så kan vedkommende velge passord (gyldig i sju dager):
col-totp = Totrinn
col-since = Medlem siden
col-created = Opprettet
col-last-used = Sist brukt
col-status = Status
col-actions = Handlinger

## Revisjonslogg
audit-help = Alle endringer i virksomheten, med hvem, når, og hva som ble endret. Oppføringene er lenket med hasher, og `etterlev audit verify` oppdager endringer i ettertid.
col-time = Tidspunkt
col-actor = Utført av
col-action = Handling
col-object = Objekt
audit-hash = Hash
audit-prev-hash = Forrige hash
audit-before = Før
audit-after = Etter

## Roller
role-admin = Administrator
role-editor = Redaktør
role-reader = Leser
role-auditor = Revisor (kun lesing)

## Typer virksomhet
kind-hospital_trust = Helseforetak
kind-municipality = Kommune
kind-gp_office = Legekontor
kind-dentist = Tannlege
kind-pharmacy = Apotek
kind-physiotherapist = Fysioterapeut
kind-other_health_provider = Annen helsetjeneste
kind-supplier = Leverandør
size-micro = Under 10 ansatte
size-small = 10–49 ansatte
size-medium = 50–249 ansatte
size-large = 250 ansatte eller flere
