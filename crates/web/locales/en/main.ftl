# English. Every key must also exist in nb/main.ftl.

## Common
skip-to-content = Skip to content
tenant-switch = Enterprise
tenant-switch-button = Switch
switch-lang = Norsk (bokmål)
logout = Sign out
nav-label = Main menu
nav-dashboard = Dashboard
nav-users = Users
nav-audit = Audit log
nav-account = My account
footer = etterlev – compliance with Normen, privacy and information security in Norwegian health and care
back-home = Back to the start page
back = Back
save = Save
yes = Yes
no = No
older = Older entries

## Modules
module-catalogue = Requirement catalogue
module-catalogue-text = Normen, NIS2, the Digital Security Act and GDPR as versioned requirements, with mappings and changes between versions.
module-assessment = Self-assessment
module-assessment-text = Assess each requirement: status, maturity, evidence and owner. Scores per chapter and trend over time.
module-small-enterprise = Small enterprises
module-small-enterprise-text = A guided, plain-language path for GP offices, dentists, physiotherapists and pharmacies – done in under 30 minutes.
module-actions = Action plan
module-actions-text = Actions from gaps and risks, with owner, deadline, priority and status.
module-risk = Risk
module-risk-text = Assets, threats, vulnerabilities and scenarios in a risk matrix with your own acceptance criteria. Patient safety first.
module-incidents = Incidents
module-incidents-text = Incident and deviation register with the reporting deadlines of NIS2, GDPR and the Digital Security Act.
module-suppliers = Suppliers
module-suppliers-text = Supplier register, requirement sets for procurement, questionnaires and the responsibility matrix (HUKI).
module-continuity = Continuity
module-continuity-text = Critical systems with RTO and RPO, backups, restore tests and exercises.
module-tools = Tools
module-tools-text = Password policy, synthetic test data, pseudonymisation, scanning for national identity numbers and integrity checks.
module-reports = Reports
module-reports-text = Management report, gap list and action plan in Word, Excel, HTML and PDF.
module-coming = Coming
module-coming-long = This module is being built. The platform (sign-in, enterprises, roles and audit log) is ready.

## Dashboard
dashboard-title = Dashboard
dashboard-intro = This is your enterprise's compliance work.
dashboard-your-role = Your role
dashboard-no-tenant = You are not a member of any enterprise yet. Ask an administrator to add you.
dashboard-enable-totp = Your account is not protected by two-step sign-in.
dashboard-tenant-count = You have access to { $count } enterprise(s).

## Sign-in
login-title = Sign in
login-button = Sign in
login-oidc = Sign in with { $provider }
login-failed = Wrong e-mail address or password.
login-throttled = Too many failed attempts. Wait 15 minutes and try again.
totp-title = Two-step sign-in
totp-code = One-time code
totp-help = Enter the six-digit code from your authenticator app, or one of your recovery codes.
totp-button = Confirm
totp-failed = The code is wrong or already used. Try the next code.
oidc-failed = Sign-in through the identity provider failed. Please try again.
oidc-no-account = No user was found for this identity. Ask an administrator to invite you with the same e-mail address.

## Set-up
setup-title = Set up etterlev
setup-password-title = Choose a password
setup-enterprise = The enterprise
setup-admin = First administrator
setup-button = Finish
org-number-help = Nine digits from the Central Coordinating Register, e.g. 974 760 673.
password-help = At least 12 characters. A sentence of several words is both strong and easy to remember.

## Fields
field-email = E-mail address
field-password = Password
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat the password
field-display-name = Name
field-tenant-name = Name of the enterprise
field-org-number = Organisation number
field-kind = Kind of enterprise
field-size = Size
field-role = Role
field-token-name = Name of the token
field-empty = { $field } is required.
field-too-long = { $field } can have at most { $max } characters.
field-invalid = { $field } is not valid.

## Errors
error-not-found = Not found
error-forbidden = Access denied
error-bad-request = Invalid request
error-conflict = Already exists
error-internal = Something went wrong on our side. The error has been logged.
error-busy = Many people are signing in right now. Wait a moment and try again.
error-org-number = The organisation number is not valid (nine digits with a correct check digit).
error-kind = Choose the kind of enterprise.
error-size = Choose a size.
error-email = Enter a valid e-mail address.
error-password-mismatch = The passwords do not match.
error-current-password = The current password is wrong.
error-role = Choose a valid role.
error-already-member = The user is already a member of this enterprise.
password-too-short = The password must have at least { $min } characters.
password-too-long = The password can have at most { $max } characters.
password-too-common = The password is too common or too simple.
password-contains-identity = The password must not contain your e-mail address.

## Notices
notice-logged-out = You are signed out.
notice-password-set = Your password is saved. You can sign in.
notice-setup-done = etterlev is set up. Sign in as the administrator.
notice-password-changed = Your password is changed. Other sessions were signed out.
notice-totp-disabled = Two-step sign-in is turned off.
notice-totp-enabled = Two-step sign-in is turned on.
notice-token-revoked = The token is revoked.
notice-member-updated = The role is changed.
notice-member-removed = The user is removed from the enterprise.

## Account
account-password = Password
account-change-password = Change password
account-no-password = This account signs in through an identity provider and has no password here.
account-totp = Two-step sign-in
account-totp-on = Two-step sign-in is on. You have { $left } unused recovery codes.
account-totp-off = Two-step sign-in is off.
account-sessions = Sessions
col-signed-in = Signed in
col-last-seen = Last active
session-current = This session
sessions-end-others = Sign out all other sessions
notice-sessions-ended = All other sessions are signed out.
account-tokens = API tokens
account-tokens-help = Personal tokens for the REST API (/api/v1). A token has the same access as you and is valid for one year.
token-shown-once = Copy the token now. It is shown only this once.
token-revoked = Revoked
token-active = Active
token-revoke = Revoke
token-create = Create token
totp-enable = Turn on two-step sign-in
totp-disable = Turn off two-step sign-in
totp-step-scan = Scan the QR code with an authenticator app (for example Microsoft Authenticator or Google Authenticator).
totp-step-code = Enter the code the app shows, to confirm.
totp-qr-alt = QR code for the authenticator app
totp-manual = Cannot scan? Enter this key:
totp-confirm = Confirm and turn on
recovery-title = Recovery codes
recovery-help = Keep these codes somewhere safe. Each code works once if you lose your authenticator app. They are shown only now.
recovery-done = I have saved the codes

## Users
users-add = Add user
users-add-button = Add
users-remove = Remove from the enterprise
invite-created = The user is created. Send this one-time link to the user to choose a password (valid for seven days):
col-totp = Two-step
col-since = Member since
col-created = Created
col-last-used = Last used
col-status = Status
col-actions = Actions

## Audit log
audit-help = Every change in the enterprise, with who, when and what changed. Entries are hash-chained, and `etterlev audit verify` detects later tampering.
col-time = Time
col-actor = Done by
col-action = Action
col-object = Object
audit-hash = Hash
audit-prev-hash = Previous hash
audit-before = Before
audit-after = After

## Roles
role-admin = Administrator
role-editor = Editor
role-reader = Reader
role-auditor = Auditor (read-only)

## Kinds of enterprise
kind-hospital_trust = Hospital trust
kind-municipality = Municipality
kind-gp_office = GP office
kind-dentist = Dentist
kind-pharmacy = Pharmacy
kind-physiotherapist = Physiotherapist
kind-other_health_provider = Other health provider
kind-supplier = Supplier
size-micro = Fewer than 10 staff
size-small = 10–49 staff
size-medium = 50–249 staff
size-large = 250 staff or more
