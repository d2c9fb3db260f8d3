"""Eight short reports of the 2022 Albania case, written for these tests in the manner of news
agency and government coverage (none copied from any article).

They carry what real reporting does and the 17 samples do not: a headline that is a sentence,
a vendor introduced as "a major US cybersecurity company" before it is named, the prime
minister named in sentences about Iran, an expulsion "within 24 hours" dated by the day the
severance was announced, a denial phrased as "rejecting as baseless", and a government
advisory weeks later. Each tuple is (file name, published date, headline, body).
"""

from __future__ import annotations

REPORTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "01-agency-services-down.txt", "2022-07-18",
        "Albania shuts down government websites after cyberattack",
        "TIRANA - Albania temporarily shut down its online public services and government "
        "websites after a cyberattack on Friday, the National Agency for Information Society "
        "said.\n\n"
        "The agency said the attack, which began on July 15, was aimed at destroying systems and "
        "that the services would stay offline until they were secure again.\n\n"
        "Officials did not say who was behind the attack.",
    ),
    (
        "02-agency-vendor.txt", "2022-08-04",
        "Iran-linked hackers likely behind Albania cyberattack, researchers say",
        "A major US cybersecurity company said on Thursday that hackers working in support of "
        "Iran were likely behind last month's cyberattack that crippled Albanian government "
        "websites.\n\n"
        "Mandiant said with moderate confidence that the attackers acted in support of Tehran, "
        "citing code and messages left on the compromised machines.\n\n"
        "Albania's National Agency for Information Society declined to comment on who carried "
        "out the July 15 attack.",
    ),
    (
        "03-agency-severance.txt", "2022-09-07",
        "Albania cuts diplomatic ties with Iran over July cyberattack",
        "TIRANA - Albania severed diplomatic relations with Iran on Wednesday and ordered its "
        "diplomats to leave, after a cyberattack in July that it blamed on the Islamic "
        "Republic.\n\n"
        "Prime Minister Edi Rama said an investigation had found that Iran orchestrated the "
        "attack, which paralysed public services on July 15.\n\n"
        "Iranian diplomats and embassy staff were given 24 hours to leave the country, Rama "
        "said in a video statement.",
    ),
    (
        "04-us-condemns.txt", "2022-09-07",
        "White House condemns Iran over cyberattack on NATO ally Albania",
        "The United States strongly condemned Iran's cyberattack against Albania on Wednesday "
        "and said it had concluded that Tehran was behind the July 15 attack.\n\n"
        "A National Security Council spokeswoman said Washington would take further action to "
        "hold Iran accountable.",
    ),
    (
        "05-iran-denies.txt", "2022-09-08",
        "Iran rejects Albania's accusation of cyberattack",
        "Iran's foreign ministry on Thursday condemned Albania's decision to cut ties, "
        "rejecting as baseless the claims that Tehran was behind the July cyberattack on "
        "Albanian government systems.\n\n"
        "A ministry spokesman said Iran itself had been a victim of cyberattacks.",
    ),
    (
        "06-agency-expulsion.txt", "2022-09-08",
        "Iranian diplomats leave Tirana after expulsion",
        "Iranian diplomats left their embassy in Tirana on Thursday, a day after Albania "
        "expelled them over the July 15 cyberattack it blames on Iran.\n\n"
        "Prime Minister Edi Rama announced the expulsion on Wednesday, saying Albania had "
        "notified its NATO allies.",
    ),
    (
        "07-agency-analysis.txt", "2022-09-08",
        "Albania becomes first country to cut ties over a cyberattack",
        "Albania's break with Iran on Wednesday was the first time a state has severed "
        "diplomatic relations over a cyberattack, experts said.\n\n"
        "The July 15 attack took down public services for days. Albania and the United States "
        "both blamed Iran for it, while Tehran denied any role.",
    ),
    (
        "08-advisory-summary.txt", "2022-09-21",
        "FBI and CISA detail Iranian hackers' attack on Albanian government",
        "The FBI and the Cybersecurity and Infrastructure Security Agency said on Wednesday "
        "that Iranian state cyber actors carried out the July 15 destructive cyberattack "
        "against the Albanian government.\n\n"
        "According to the advisory, the actors gained initial access to the victim's network "
        "about 14 months before the attack and later deployed ransomware and disk-wiping "
        "malware.",
    ),
)
