from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
bp = Blueprint("shop", __name__)
app = Flask(__name__)


@bp.post("/webhook")
# ruleid: no-csrf-exemption
@csrf.exempt
def webhook():
    return "ok"


# ruleid: no-csrf-exemption
csrf.exempt(bp)
# ruleid: no-csrf-exemption
app.extensions["csrf"].exempt("shop.webhook")


class Config:
    # ruleid: no-csrf-exemption
    WTF_CSRF_ENABLED = False
    # ruleid: no-csrf-exemption
    WTF_CSRF_CHECK_DEFAULT = False
    # ok: no-csrf-exemption
    WTF_CSRF_TIME_LIMIT = None


# ruleid: no-csrf-exemption
app.config["WTF_CSRF_ENABLED"] = False
# ruleid: no-csrf-exemption
app.config.update({"SECRET_KEY": "x", "WTF_CSRF_CHECK_DEFAULT": False})
# ruleid: no-csrf-exemption
app.config.update(WTF_CSRF_ENABLED=False)
# ruleid: no-csrf-exemption
app.config["WTF_CSRF_METHODS"] = []

# ok: no-csrf-exemption
app.config["WTF_CSRF_ENABLED"] = True


@bp.post("/form")
def form_view():
    # ok: no-csrf-exemption
    csrf.protect()
    return "ok"


limiter = object()


@bp.get("/health")
# ok: no-csrf-exemption
@limiter.exempt
def health():
    return "ok"
