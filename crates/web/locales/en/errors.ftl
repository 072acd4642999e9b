# What to do next, under each error page (key: the error's key + "-next").
error-not-found-next = Check the address, or go back and choose from the menu. It may also be that you have no access to this in the enterprise you have selected.
error-forbidden-next = Your role does not give access to this. Ask an administrator of the enterprise for another role.
error-bad-request-next = Go back, correct what is said above and try again.
error-conflict-next = Reload the page to see what is stored now, and make your change again.
error-internal-next = Try again in a moment. If it happens again, contact whoever runs etterlev and give the error code below.
error-busy-next = Wait half a minute and try again.
error-request-id = Error code:
