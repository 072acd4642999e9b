# The small-enterprise path: the short list and the rest for later.
wizard-focus-heading = Do these first ({ $count })
wizard-later-heading = Later ({ $count })
wizard-later-intro = Take these once the first ones are in place. You can make each of them an action when you are ready.
