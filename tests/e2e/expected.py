"""What the bot answers, written out: the e2e tests compare replies with these literally.

A changed word in templates/replies.html fails the test that expects it here.
"""

from __future__ import annotations

SUBSCRIBED = "Abonniert: Die Kurzlage kommt ab der nächsten Ausgabe auch in diesen Chat."
ALREADY_SUBSCRIBED = "Dieser Chat hat die Kurzlage schon abonniert."
UNSUBSCRIBED = "Abbestellt: Es kommen keine Ausgaben mehr in diesen Chat."
NOT_SUBSCRIBED = "Dieser Chat hat nichts abonniert. Mit /abo bestellst du die Kurzlage."
GROUP_ADMINS_ONLY = "Das können nur die Admins dieser Gruppe."
NO_DIGEST = "Es gibt noch keine Ausgabe. Die nächste kommt zur nächsten geplanten Zeit."
USAGE_QUELLE = "So geht's: /quelle für alle Meldungen oder /quelle 2 für Meldung 2."
USAGE_ZAHLEN = "So geht's: /zahlen für alle Meldungen oder /zahlen 2 für Meldung 2."
UNKNOWN_COMMAND = "Diesen Befehl kenne ich nicht. /hilfe zeigt, was ich kann."
NOT_ADMIN = "Das dürfen nur die Betreiber von Kurzlage. /hilfe zeigt, was du tun kannst."
NOTHING_NEW = "Nichts Neues: Seit der letzten Ausgabe ist kein Artikel dazugekommen."
NO_TARGETS = (
    "Keine Ausgabe: Es ist kein Kanal eingerichtet (bot.channels) und kein Chat hat /abo."
    " Die Artikel warten."
)
PUSH_FETCH_FAILED = "Den Artikel unter dem Link konnte ich nicht laden. Stimmt der Link?"
SORRY = "Da ist etwas schiefgegangen. Bitte versuch es später noch einmal."
PUSH_SOURCE_TITLE = "Mitteilung der Redaktion"
NO_SUCH_STORY_6 = (
    "Die Ausgabe hat nur 6 Meldungen."
    " So geht's: /quelle für alle Meldungen oder /quelle 2 für Meldung 2."
)
PUSH_POSTED_2 = "Die Mitteilung geht an 2 Kanäle."
PUSH_ALREADY_POSTED_1 = "Diesen Artikel habe ich schon gepostet (Ausgabe 1). /quelle zeigt sie."
ERROR_NOTICE_ABO = (
    "⚠️ Fehler im Bot bei /abo: TelegramError: Invalid server response. Einzelheiten stehen im Log."
)
NO_TOKEN = (
    "kurzlage run: KURZLAGE_TOKEN is not set - create a bot with /newbot at @BotFather in"
    " Telegram and set its token as KURZLAGE_TOKEN (example: config/example.env)."
)
