# Reminders: the dashboard, the daily e-mail and the calendar.
# Every key here must also exist in nb/reminders.ftl.

due-action = Deadline: { $title }
due-measure = Review: { $title }
due-evidence = Evidence expires: { $title }
due-title = Expiring and due
due-intro = Security measures to review and evidence that expires in the next 30 days, and what has already passed.
due-passed = Passed
due-none = Nothing expires in the next 30 days.
digest-subject = etterlev: { $count } things to follow up
digest-greeting = Hello { $name },
digest-intro = Here are today's reminders from etterlev: deadlines that have passed or come in the next week, and security measures and evidence to review or that expire in the next month.
digest-passed = Passed:
digest-coming = Coming:
digest-why = You get this e-mail because you can edit in the enterprise. You get at most one such e-mail a day, and only when there is something to follow up.
calendar-name = etterlev – deadlines and reviews
calendar-title = Calendar subscription
calendar-intro = Subscribe to your dates in Outlook, Google Calendar or Apple Calendar: action deadlines, security-measure reviews and evidence that expires, in every enterprise you belong to. The link is personal and works without signing in, so do not share it. You can revoke it at any time.
calendar-create = Make a link
calendar-replace = Make a new link (the old one stops working)
calendar-revoke = Revoke the link
calendar-active = You have an active calendar link.
calendar-link-once = Copy the link now and add it as a calendar subscription. It is shown only this once.
calendar-link-label = Calendar link
calendar-created = A new calendar link was made.
calendar-revoked = The calendar link was revoked.
