"""Login and login security (S1): login and logout, login tokens, your own account, password and TOTP,
an admin's unlock and resets."""

from gateway.account.api import AccountApiRoutes
from gateway.account.web import AccountWebRoutes, account_security_extra
from gateway.core import Area

AREA = Area(
    "account",
    routes=(AccountApiRoutes, AccountWebRoutes),
    template_extras=(account_security_extra,),
)
