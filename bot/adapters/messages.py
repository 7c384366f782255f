"""The bot's one-line German replies, in one place.

Longer texts (help, status, pushes, digests) are templates in ``templates/``. Replies go out
as Telegram HTML, so a placeholder filled with outside text must be ``html.escape``d first.
"""

from __future__ import annotations

#: Printed on stderr by ``kurzlage run`` when the token is missing (for the operator).
NO_TOKEN = (
    "kurzlage run: KURZLAGE_TOKEN ist nicht gesetzt - in Telegram bei @BotFather mit /newbot "
    "einen Bot anlegen und dessen Token als KURZLAGE_TOKEN setzen (Muster: config/example.env)."
)
#: Printed when webhook mode is configured but PTB's webhook extra (tornado) is missing.
NO_WEBHOOK_SUPPORT = (
    "kurzlage run: bot.webhook_url ist gesetzt, aber python-telegram-bot[webhooks] fehlt - "
    "installieren oder webhook_url leer lassen (long polling)."
)

# Commands as registered with setMyCommands (command, description shown in Telegram's menu).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("hilfe", "Was Kurzlage kann und wie es geht"),
    ("quelle", "Quellen der letzten Ausgabe, mit Nummer für eine Meldung"),
    ("zahlen", "Zahlen der letzten Ausgabe, mit Nummer für eine Meldung"),
    ("abo", "Die Kurzlage in diesem Chat abonnieren"),
    ("abbestellen", "Die Kurzlage in diesem Chat abbestellen"),
    ("jetzt", "Admins: jetzt eine Ausgabe posten"),
    ("vorschau", "Admins: die nächste Ausgabe privat ansehen"),
    ("push", "Admins: eigene Mitteilung oder Artikel-Link posten"),
    ("status", "Admins: Zeitplan, wartende Artikel und Zustellung"),
)

BUTTON_SOURCES = "Quellen"
BUTTON_FIGURES = "Zahlen"

USAGE_QUELLE = "So geht's: /quelle für alle Meldungen oder /quelle 2 für Meldung 2."
USAGE_ZAHLEN = "So geht's: /zahlen für alle Meldungen oder /zahlen 2 für Meldung 2."
USAGE_PUSH = "So geht's: /push Text der Mitteilung - oder /push https://… für einen Artikel."
NO_SUCH_STORY = "Die Ausgabe hat nur {count} Meldungen. {usage}"
NO_DIGEST = "Es gibt noch keine Ausgabe. Die nächste kommt zur nächsten geplanten Zeit."
#: First line of /quelle and /zahlen in a chat that never received a digest: they answer
#: for the newest digest overall (a reader coming from a channel means that one) and say so.
LATEST_ELSEWHERE = (
    "<i>In diesem Chat ist noch keine Ausgabe erschienen. Das hier gehört zur neuesten "
    "Ausgabe (Nr. {digest} vom {created} Uhr).</i>"
)
#: How dates appear in replies (as the templates' ``datum`` filter writes them).
DATE_FORMAT = "%d.%m.%Y, %H:%M"
GONE_DIGEST = "Diese Ausgabe gibt es nicht mehr. /quelle zeigt die Quellen der letzten."
UNKNOWN_COMMAND = "Diesen Befehl kenne ich nicht. /hilfe zeigt, was ich kann."

NOT_ADMIN = "Das dürfen nur die Betreiber von Kurzlage. /hilfe zeigt, was du tun kannst."
GROUP_ADMINS_ONLY = "Das können nur die Admins dieser Gruppe."
SUBSCRIBED = "Abonniert: Die Kurzlage kommt ab der nächsten Ausgabe auch in diesen Chat."
ALREADY_SUBSCRIBED = "Dieser Chat hat die Kurzlage schon abonniert."
UNSUBSCRIBED = "Abbestellt: Es kommen keine Ausgaben mehr in diesen Chat."
NOT_SUBSCRIBED = "Dieser Chat hat nichts abonniert. Mit /abo bestellst du die Kurzlage."

NOTHING_NEW = "Nichts Neues: Seit der letzten Ausgabe ist kein Artikel dazugekommen."
PUSH_NO_CHANNELS = "Es ist kein Kanal eingestellt (bot.channels); nichts gepostet."
PUSH_FETCH_FAILED = "Den Artikel unter dem Link konnte ich nicht laden. Stimmt der Link?"
PUSH_ALREADY_POSTED = (
    "Diesen Artikel habe ich schon gepostet (Ausgabe {digest}). /quelle zeigt sie."
)
PUSH_NO_TEXT = "Unter dem Link steht kein Text, den ich zusammenfassen kann."
PREVIEW_SENT = "Die Vorschau habe ich dir privat geschickt."
PREVIEW_NEEDS_PRIVATE_CHAT = "Ich kann dir nicht privat schreiben: Starte erst einen Chat mit mir."

CHAT_DISABLED_NOTICE = (
    "⚠️ Ich kann nicht mehr in {chat} posten ({reason}). Der Chat ist abgeschaltet, seine "
    "Nachrichten warten; sobald ich dort wieder Admin bin, hole ich sie nach."
)
MESSAGE_REFUSED_NOTICE = "⚠️ Telegram hat eine Nachricht an {chat} abgelehnt: {reason}"
#: To the admins when a handler failed; the traceback is in the log, never in a message.
ERROR_NOTICE = "⚠️ Fehler im Bot bei {where}: {error}. Einzelheiten stehen im Log."
SORRY = "Da ist etwas schiefgegangen. Bitte versuch es später noch einmal."
PUSH_TOO_LONG = "Die Mitteilung ist zu lang für eine Telegram-Nachricht. Bitte kürzen."
#: Title and source name of an admin's own update in posts and /quelle.
PUSH_SOURCE_TITLE = "Mitteilung der Redaktion"
