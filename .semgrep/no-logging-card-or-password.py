import logging

from flask import current_app

log = logging.getLogger(__name__)
logger = logging.getLogger("shop")


def pay(app, order_id, card_number, cvc, password, new_password, form, card, panel, company, amount):
    # ruleid: no-logging-card-or-password
    log.info("paying with %s", card_number)
    # ruleid: no-logging-card-or-password
    logger.warning("%s", password)
    # ruleid: no-logging-card-or-password
    logging.error(f"card declined: {card_number} {amount}")
    # ruleid: no-logging-card-or-password
    current_app.logger.debug("cvc was %s" % cvc)
    # ruleid: no-logging-card-or-password
    app.logger.exception("sign-in failed", extra={"who": order_id, "pw": password})
    # ruleid: no-logging-card-or-password
    log.info("charging", extra={"card_number": amount})
    # ruleid: no-logging-card-or-password
    log.log(logging.INFO, "password %s", form.password.data)
    # ruleid: no-logging-card-or-password
    logger.critical("card: {}".format(card))
    # ruleid: no-logging-card-or-password
    log.info("details %r", {"pan": card.pan})
    # ruleid: no-logging-card-or-password
    logging.getLogger(__name__).info("new password: %s", new_password)

    # ok: no-logging-card-or-password
    log.info("payment captured: order %s", order_id)
    # ok: no-logging-card-or-password
    log.info("password reset requested for user %s", order_id)
    # ok: no-logging-card-or-password
    logger.info("the card was declined for order %s", order_id)
    # ok: no-logging-card-or-password
    log.info("panel %s of company %s", panel, company)
    # ok: no-logging-card-or-password
    print(card_number)
