"""Word tables for speech text: data only, read by the other modules of this package.

Keys are matched as written (case matters unless a table says otherwise). Keep entries short and
common; an article's own odd words belong in the user's lexicon (--lexicon FILE).
"""

from __future__ import annotations

# Abbreviations that end with a period and almost never end a sentence: the sentence splitter
# does not break after them (lower-cased, with their period).
NON_TERMINAL = frozenset(
    {
        "e.g.", "i.e.", "vs.", "cf.", "dr.", "mr.", "mrs.", "ms.", "mx.", "prof.", "st.", "mt.",
        "approx.", "ca.", "sgt.", "capt.", "lt.", "col.", "gen.", "rev.", "hon.", "sen.",
    }
)  # fmt: skip

# Abbreviations said in full, matched case-insensitively; a capital first letter is kept.
ABBREVIATIONS = {
    "e.g.": "for example",
    "eg.": "for example",
    "i.e.": "that is",
    "ie.": "that is",
    "etc.": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "cf.": "compare",
    "approx.": "approximately",
    "ca.": "circa",
    "mr.": "Mister",
    "mrs.": "Missus",
    "ms.": "Miz",
    "prof.": "Professor",
    "mt.": "Mount",
    "jr.": "Junior",
    "sr.": "Senior",
    "fig.": "figure",
    "figs.": "figures",
    "vol.": "volume",
    "ch.": "chapter",
    "dept.": "department",
    "est.": "established",
    "ave.": "Avenue",
    "blvd.": "Boulevard",
    "inc.": "Incorporated",
    "ltd.": "Limited",
    "jan.": "January",
    "feb.": "February",
    "mar.": "March",
    "apr.": "April",
    "jun.": "June",
    "jul.": "July",
    "aug.": "August",
    "sep.": "September",
    "sept.": "September",
    "oct.": "October",
    "nov.": "November",
    "dec.": "December",
    "w/": "with",
    "w/o": "without",
}

# Abbreviations whose reading depends on what is around them: (before a name, after a name).
# "Dr. Jones" -> Doctor; "Mulholland Dr." -> Drive; "St. Louis" -> Saint; "Main St." -> Street.
TITLE_OR_PLACE = {
    "dr.": ("Doctor", "Drive"),
    "st.": ("Saint", "Street"),
}

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# "No. 5" -> "number 5" (only before a number).
NUMBER_SIGNS = {"no.": "number", "nos.": "numbers", "#": "number"}

# Units after a number: symbol -> (singular, plural). Matched case-sensitively, longest first.
UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "m/s": ("meter per second", "meters per second"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "ºC": ("degree Celsius", "degrees Celsius"),
    "ºF": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "km": ("kilometer", "kilometers"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "m": ("meter", "meters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "kg": ("kilogram", "kilograms"),
    "mg": ("milligram", "milligrams"),
    "g": ("gram", "grams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "l": ("liter", "liters"),
    "L": ("liter", "liters"),
    "kcal": ("kilocalorie", "kilocalories"),
    "cal": ("calorie", "calories"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "h": ("hour", "hours"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "W": ("watt", "watts"),
    "V": ("volt", "volts"),
    "dB": ("decibel", "decibels"),
    "bpm": ("beat per minute", "beats per minute"),
    "rpm": ("revolution per minute", "revolutions per minute"),
    "x": ("time", "times"),  # "3x faster"; only when written without a space
}

# A unit followed by one of these nouns is an adjective: "a 5 min read" -> "5 minute read".
ADJECTIVE_NOUNS = frozenset(
    {
        "read", "walk", "run", "drive", "ride", "jog", "swim", "break", "video", "workout",
        "session", "wait", "delay", "talk", "podcast", "episode", "course", "class", "lesson",
        "trip", "hike", "climb", "window", "interval", "warm-up", "cooldown", "rest", "nap",
        "meeting", "call", "drop", "limit", "radius", "race", "dumbbell", "kettlebell", "weight",
        "plate", "bag", "bottle", "pack",
    }
)  # fmt: skip

# Currency signs before an amount: sign -> (unit singular, plural, cent singular, cent plural).
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
}

# Scale words after an amount: "$5m", "$2.5 billion".
SCALES = {
    "k": "thousand",
    "K": "thousand",
    "thousand": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "billion": "billion",
    "trillion": "trillion",
}

# Common fractions said as words.
FRACTIONS = {
    "1/2": "one half",
    "1/3": "one third",
    "2/3": "two thirds",
    "1/4": "one quarter",
    "3/4": "three quarters",
    "1/5": "one fifth",
    "1/8": "one eighth",
    "½": "one half",
    "⅓": "one third",
    "⅔": "two thirds",
    "¼": "one quarter",
    "¾": "three quarters",
    "24/7": "twenty-four seven",
}

# Acronyms spelled letter by letter (said "F A Q"); a trailing "s" stays a plural ("R D Ls").
SPELLED = frozenset(
    {
        "FAQ", "BMI", "DIY", "USA", "UK", "EU", "UN", "CEO", "CFO", "CTO", "HR", "PR",
        "HTML", "CSS", "API", "URL", "PDF", "CPU", "GPU", "USB", "AI", "TV", "DNA", "RNA", "CDC",
        "FDA", "NHS", "BBC", "CNN", "FBI", "CIA", "PC", "IQ", "ID", "RDL", "DOMS", "ACL",
        "MRI", "ADHD", "PTSD", "UV", "LED", "SUV", "GPS", "PhD", "MBA", "BA", "MD", "RN", "CPR",
        "HIV", "ATM", "SMS", "VPN", "HTTP", "HTTPS", "XML", "JSON", "SQL", "CLI", "GUI",
        "OS", "PT", "ROM", "EMG", "BP", "HDL", "LDL", "ECG", "EKG", "ICU", "ER", "RSS",
        "MP3", "NGO",
    }
)  # fmt: skip

# Acronyms said as words: written so that an engine says them as words, not letters.
AS_WORDS = {
    "NASA": "Nasa",
    "NATO": "Nato",
    "UNESCO": "Unesco",
    "UNICEF": "Unicef",
    "OPEC": "Opec",
    "FIFA": "Fifa",
    "SCUBA": "scuba",
    "LASER": "laser",
    "RADAR": "radar",
    "AIDS": "aids",
    "COVID": "Covid",
    "HIIT": "hit",
    "GIF": "gif",
    "JPEG": "jay peg",
    "PNG": "ping",
    "WiFi": "why fy",
    "Wi-Fi": "why fy",
    "ASAP": "as soon as possible",
    "FOMO": "fomo",
    "YOLO": "yolo",
    "AMRAP": "am rap",
    "EMOM": "e mom",
    "TL;DR": "too long, didn't read",
}

# Symbols said as words (English). Emoji and pictographs are dropped, not read.
SYMBOLS = {
    "&": " and ",
    "%": " percent ",
    "+": " plus ",
    "=": " equals ",
    "@": " at ",
    "×": " times ",
    "÷": " divided by ",
    "±": " plus or minus ",
    "≈": " about ",
    "~": " about ",
    "≤": " at most ",
    "≥": " at least ",
    "≠": " not equal to ",
    "→": " to ",
    "←": " from ",
    "°": " degrees ",
    "©": " copyright ",
    "§": " section ",
    "¶": " ",
    "™": "",
    "®": "",
}

# Bullet and list glyphs: never read aloud, in any language.
BULLETS = "•◦▪▫‣⁃●○■□►▶▸▹◆◇◉⦿⁌⁍∙·✓✔✗✘☐☑☒➢➤➔➜→⇒"

# Characters of markup that an engine would read aloud or stumble on, in any language.
MARKUP_CHARS = "*_`#~|\\^<>{}[]"

# Top-level domains recognised in bare domain names ("example.org").
TLDS = frozenset(
    {
        "com", "org", "net", "edu", "gov", "io", "co", "uk", "us", "de", "fr", "es", "it", "nl",
        "eu", "ca", "au", "nz", "in", "info", "biz", "dev", "app", "ai", "me", "tv", "ly", "fm",
        "gg", "xyz", "tech", "blog", "news", "ch", "at", "be", "se", "no", "dk", "fi", "jp",
        "cn", "ru", "br", "mx", "ie", "pl", "pt",
    }
)  # fmt: skip
