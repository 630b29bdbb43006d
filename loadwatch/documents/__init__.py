"""Documents a front end hands to the user (issue #19: rendering out of the services): built
from a service's view, never from the database. The CLI writes them to files; the dashboard
shows and offers them."""
