## Enterprise pages opened without an enterprise
no-tenant-title = This page belongs to an enterprise
no-tenant-text = This page shows the work of one enterprise, and you are not a member of any enterprise. Ask the enterprise's administrator to add you if you are to work with it.
no-tenant-secretariat = Go to the Normen secretariat
no-tenant-catalogue = See the requirement catalogue

## Sector statistics: explanations
sec-stat-hidden-short = hidden
sec-stat-legend-hidden = Hidden to protect single enterprises: the figure rests on fewer than { $k } enterprises, or it could have been worked out from such figures by subtraction.
sec-stat-legend-empty = No enterprises in the group.
sec-stat-legend-n = Number of enterprises the figure rests on.
sec-stat-k-plain = k is the smallest number of enterprises a figure must rest on to be shown. Now k = { $k }: a mean is shown only when at least { $k } enterprises are behind it, so no one can see the answers of a single enterprise. A higher number protects better but hides more cells. k cannot be set below 3 or above 100.
sec-stat-k-label = Smallest number of enterprises behind a figure (k)

## The meeting page: the agenda and editing per case
sec-col-time = Time
sec-time-hint = Write times as HH:MM, for example 09:30.
sec-time-slot-hint = From and to, for example 10:30–11:15. The start time is used to check that those who comment were present.
sec-attendance-hint = "From time" is filled in only for "Present from a time", as HH:MM.
sec-attendance-edit = Record attendance
sec-cancel = Cancel
sec-agenda = Agenda
sec-agenda-empty = No cases are on the agenda yet.
sec-no-comments = No comments.
sec-no-decision-yet = Not decided yet.
sec-none = None
sec-done-editing = Done with this case
sec-case-work = Work on the case (edit, comments, decision)
sec-case-work-decided = Add a comment or change the decision
sec-number-hint-next = A blank field gives the next free number of the year (case numbers are written NN/YY, for example { $example }).
sec-comment-not-yet-present = { $organisation } arrived at { $from } according to the attendance list, but case { $case } began at { $starts }. The comment was not saved. Correct the attendance or the case's time if they are wrong.
sec-comment-absent = { $organisation } had sent apologies according to the attendance list and cannot have commented on case { $case } (start { $starts }). The comment was not saved. Correct the attendance if it is wrong.
