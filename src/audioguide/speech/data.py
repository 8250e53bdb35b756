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
    "px": "pixels",
    "w/": "with",
    "w/o": "without",
    "pp.": "pages",
    "eq.": "equation",
    "eqs.": "equations",
    "ed.": "edition",
    "eds.": "editors",
    "rd.": "Road",
    "ln.": "Lane",
    "hwy.": "Highway",
    "pl.": "Place",
    "sq.": "Square",
    "ct.": "Court",
    "gov.": "Governor",
    "sen.": "Senator",
    "rep.": "Representative",
    "gen.": "General",
    "lt.": "Lieutenant",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "col.": "Colonel",
    "cpl.": "Corporal",
    "cmdr.": "Commander",
    "rev.": "Reverend",
    "hon.": "Honorable",
    "pres.": "President",
    "bros.": "Brothers",
    "corp.": "Corporation",
    "co.": "Company",
    "univ.": "University",
    "assoc.": "Association",
    "avg.": "average",
    "max.": "maximum",
    "incl.": "including",
    "excl.": "excluding",
    "misc.": "miscellaneous",
    "dept": "department",
    "ref.": "reference",
    "refs.": "references",
    "sec.": "section",
    "para.": "paragraph",
    "vols.": "volumes",
    "chap.": "chapter",
    "tsp.": "teaspoon",
    "tbsp.": "tablespoon",
    "oz.": "ounces",
    "lbs.": "pounds",
    "qty.": "quantity",
    "govt.": "government",
    "intl.": "international",
    "natl.": "national",
    "mgmt.": "management",
    "yr.": "year",
    "yrs.": "years",
    "mo.": "month",
    "mos.": "months",
    "wk.": "week",
    "tel.": "telephone",
    "ext.": "extension",
    "fwd.": "forward",
    "attn.": "attention",
    "dist.": "distance",
    "temp.": "temperature",
    "wt.": "weight",
    "ht.": "height",
    "reg.": "registered",
    "approx": "approximately",
    "p.a.": "per year",
}

# Abbreviations said in full only before a number: "p. 12" -> "page 12", "Fig. 3".
BEFORE_NUMBER = {
    "p.": "page",
    "pg.": "page",
    "pgs.": "pages",
    "l.": "line",
    "ll.": "lines",
    "art.": "article",
    "no.": "number",
    "nos.": "numbers",
    "op.": "opus",
    "ex.": "example",
    "rm.": "room",
    "apt.": "apartment",
    "ste.": "suite",
    "bldg.": "building",
    "fl.": "floor",
    "ch": "chapter",
    "vol": "volume",
    "fig": "figure",
    "eq": "equation",
    "pp": "pages",
    "ft.": "Fort",
}

# Abbreviations whose reading depends on what is around them: (before a name, after a name).
# "Dr. Jones" -> Doctor; "Mulholland Dr." -> Drive; "St. Louis" -> Saint; "Main St." -> Street.
TITLE_OR_PLACE = {
    "dr.": ("Doctor", "Drive"),
    "st.": ("Saint", "Street"),
    "ft.": ("Fort", "feet"),
    "mt.": ("Mount", "Mount"),
}

# Capitalized words that open a sentence (not a name): "Elm St. Its bread..." ends a sentence
# at "St."; "St. Louis" does not. Used for abbreviations that may end a sentence.
SENTENCE_OPENERS = frozenset(
    {"A", "About", "After", "Again", "Against", "All", "Also", "Although", "Always", "An", "And",
    "Another", "Any", "Anyway", "As", "At", "Back", "Be", "Because", "Before", "Both", "But", "By",
    "Can", "Could", "Did", "Do", "Does", "Each", "Either", "Even", "Every", "Everyone",
    "Everything", "Few", "First", "For", "From", "Has", "Have", "He", "Her", "Here", "His", "How",
    "However", "I", "If", "In", "Instead", "Is", "It", "It's", "Its", "Just", "Last", "Later",
    "Let", "Let's", "Many", "Maybe", "Meanwhile", "More", "Most", "Much", "My", "Neither", "Never",
    "Next", "No", "None", "Nor", "Not", "Nothing", "Now", "Of", "Often", "On", "Once", "One",
    "Only", "Or", "Other", "Others", "Our", "Out", "Over", "Perhaps", "Please", "Rather",
    "Several", "She", "Should", "Since", "So", "Some", "Someone", "Something", "Sometimes", "Soon",
    "Still", "Such", "That", "That's", "The", "Their", "Then", "There", "There's", "These", "They",
    "This", "Those", "Though", "Thus", "To", "Today", "Tomorrow", "Too", "Two", "Under", "Unless",
    "Until", "Up", "We", "Were", "What", "When", "Where", "Whether", "Which", "While", "Who",
    "Why", "Will", "With", "Within", "Without", "Yes", "Yesterday", "Yet", "You", "Your", "Three",
    "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Afterwards",
    "Finally", "Second", "Third", "Overall", "Indeed", "Besides", "Moreover", "Plus",
    "Come", "Go", "Get", "Take", "Make", "Try", "Add", "Mix", "Stir", "Bake", "Serve", "Use",
    "Keep", "Don't", "Can't", "It'll", "We're", "They're", "You're", "I'm", "I've", "I'd",
    "He's", "She's", "We've"}
)  # fmt: skip

# Abbreviations that may end a sentence: a new sentence starts after them when the next word
# opens one (SENTENCE_OPENERS) or, for those in ENDS_ON_CAPITAL, at any capital.
MAY_END = frozenset(
    {"st.", "dr.", "ave.", "rd.", "blvd.", "ln.", "mt.", "jr.", "sr.", "inc.", "ltd.", "co.",
     "corp.", "bros.", "etc.", "a.m.", "p.m.", "am.", "pm.", "u.s.", "u.k.", "u.n.", "e.u.",
     "d.c.", "l.a.", "n.y.", "hwy.", "sq.", "pl.", "ct.", "plc.", "llc.", "ph.d.", "b.a.",
     "m.a.", "b.sc.", "m.sc.", "a.d.", "b.c.", "approx.", "min.", "max.", "oz.", "lbs.",
     "tsp.", "tbsp.", "yrs.", "hrs.", "mins.", "secs.", "est.", "dept.", "ft.", "no."}
)  # fmt: skip
ENDS_ON_CAPITAL = frozenset(
    {"etc.", "a.m.", "p.m.", "am.", "pm.", "inc.", "ltd.", "co.", "corp.", "plc.", "llc.",
     "jr.", "sr.", "bros.", "a.d.", "b.c.", "ph.d."}
)  # fmt: skip
# Words after "p.m." or "Inc." that continue the sentence ("5 p.m. Eastern").
CONTINUATIONS = frozenset(
    [
        "Eastern",
        "Pacific",
        "Central",
        "Mountain",
        "Atlantic",
        "GMT",
        "UTC",
        "EST",
        "EDT",
        "PST",
        "PDT",
        "CST",
        "CDT",
        "MST",
        "MDT",
        "BST",
        "CET",
        "CEST",
        "ET",
        "PT",
        "CT",
        "MT",
        "IST",
        "JST",
        "AEST",
        "AEDT",
        "local",
        "Local",
        "Time",
    ]
)

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
    "tsp": ("teaspoon", "teaspoons"),
    "tsps": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "tbsps": ("tablespoon", "tablespoons"),
    "Tbsp": ("tablespoon", "tablespoons"),
    "tbs": ("tablespoon", "tablespoons"),
    "qt": ("quart", "quarts"),
    "gal": ("gallon", "gallons"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "yd": ("yard", "yards"),
    "sq ft": ("square foot", "square feet"),
    "m²": ("square meter", "square meters"),
    "m2": ("square meter", "square meters"),
    "cm²": ("square centimeter", "square centimeters"),
    "ft²": ("square foot", "square feet"),
    "m³": ("cubic meter", "cubic meters"),
    "cm³": ("cubic centimeter", "cubic centimeters"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "MPG": ("mile per gallon", "miles per gallon"),
    "bps": ("bit per second", "bits per second"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Mbit/s": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "Gbit/s": ("gigabit per second", "gigabits per second"),
    "MB/s": ("megabyte per second", "megabytes per second"),
    "GB/s": ("gigabyte per second", "gigabytes per second"),
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "psi": ("P S I", "P S I"),
    "kPa": ("kilopascal", "kilopascals"),
    "hPa": ("hectopascal", "hectopascals"),
    "kJ": ("kilojoule", "kilojoules"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "Wh": ("watt hour", "watt hours"),
    "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"),
    "GWh": ("gigawatt hour", "gigawatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"),
    "km²": ("square kilometer", "square kilometers"),
    "µg": ("microgram", "micrograms"),
    "mcg": ("microgram", "micrograms"),
    "IU": ("I U", "I U"),
    "ng": ("nanogram", "nanograms"),
    "nm": ("nanometer", "nanometers"),
    "µm": ("micrometer", "micrometers"),
    "mi²": ("square mile", "square miles"),
    "ha": ("hectare", "hectares"),
    "Gb": ("gigabit", "gigabits"),
    "Mb": ("megabit", "megabits"),
    "fps": ("frame per second", "frames per second"),
    "ppm": ("part per million", "parts per million"),
    "mmol/L": ("millimole per liter", "millimoles per liter"),
    "mg/dL": ("milligram per deciliter", "milligrams per deciliter"),
    "g/km": ("gram per kilometer", "grams per kilometer"),
    "km/L": ("kilometer per liter", "kilometers per liter"),
    "L/100km": ("liter per hundred kilometers", "liters per hundred kilometers"),
    "kg/m²": ("kilogram per square meter", "kilograms per square meter"),
    "px": ("pixel", "pixels"),
    "in.": ("inch", "inches"),
    "wpm": ("word per minute", "words per minute"),
    "spm": ("step per minute", "steps per minute"),
    "x": ("time", "times"),  # "3x faster"; only when written without a space
}

# Rates after "/" or "per" ("$12/mo", "3 times/day"): the unit word said after "per".
RATE_UNITS = {
    "s": "second", "sec": "second", "second": "second", "min": "minute", "minute": "minute",
    "h": "hour", "hr": "hour", "hour": "hour", "d": "day", "day": "day", "wk": "week",
    "week": "week", "mo": "month", "mth": "month", "month": "month", "yr": "year",
    "year": "year", "annum": "year", "km": "kilometer", "mi": "mile", "mile": "mile",
    "kg": "kilogram", "lb": "pound", "g": "gram", "oz": "ounce", "person": "person",
    "head": "head", "serving": "serving", "night": "night", "user": "user", "seat": "seat",
    "month/user": "month per user", "GB": "gigabyte", "TB": "terabyte", "MB": "megabyte",
    "kWh": "kilowatt hour", "m²": "square meter", "sq ft": "square foot", "ft": "foot",
    "m": "meter", "L": "liter", "l": "liter", "gal": "gallon", "unit": "unit", "item": "item",
    "share": "share", "page": "page", "word": "word", "visit": "visit", "class": "class",
    "session": "session", "lesson": "lesson", "ticket": "ticket", "pack": "pack",
    "bottle": "bottle", "box": "box", "dozen": "dozen", "pair": "pair",
}  # fmt: skip

# "2/3 cup": fractions said as words (numerator, then the denominator's name).
FRACTION_NAMES = {
    2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"),
    5: ("fifth", "fifths"), 6: ("sixth", "sixths"), 8: ("eighth", "eighths"),
    10: ("tenth", "tenths"), 12: ("twelfth", "twelfths"), 16: ("sixteenth", "sixteenths"),
}  # fmt: skip

# Unicode vulgar fractions: the fraction as "numerator/denominator".
VULGAR_FRACTIONS = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
    "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
    "⅞": "7/8",
}  # fmt: skip

# Number pairs with a slash said as a name ("24/7", "9/11", "20/20 vision").
SLASH_NAMES = {
    "24/7": "twenty-four seven",
    "9/11": "nine eleven",
    "20/20": "twenty twenty",
    "4/4": "four four",
    "3/4": "three quarters",
    "50/50": "fifty fifty",
}

# Words before "7/10" that make it a rating ("seven out of ten").
RATING_WORDS = frozenset(
    {"rated", "rate", "rating", "ratings", "score", "scored", "scores", "scoring", "gave",
     "give", "giving", "gives", "verdict", "grade", "graded", "marks", "mark", "solid",
     "strong", "perfect", "overall", "average", "earns", "earned", "gets", "got", "deserves",
     "stars", "star", "review", "reviews"}
)  # fmt: skip

# Sizes: "3×4 m" is "three by four meters"; these after the numbers make a "×" say "by".
SIZE_WORDS = frozenset(
    {"m", "cm", "mm", "km", "ft", "in", "inch", "inches", "feet", "foot", "meter", "meters",
     "metre", "metres", "px", "pixels", "pixel", "yd", "yards", "grid", "board", "room",
     "rooms", "tiles", "tile", "sheet", "sheets", "reps", "rep", "sets", "push-ups", "pushups",
     "squats", "lunges", "burpees", "pull-ups", "sit-ups", "crunches", "rounds", "laps",
     "\"", "'", "″", "′"}
)  # fmt: skip

# A unit followed by one of these nouns is an adjective: "a 5 min read" -> "5 minute read".
ADJECTIVE_NOUNS = frozenset(
    {
        "read", "walk", "run", "drive", "ride", "jog", "swim", "break", "video", "workout",
        "session", "wait", "delay", "talk", "podcast", "episode", "course", "class", "lesson",
        "trip", "hike", "climb", "window", "interval", "warm-up", "cooldown", "rest", "nap",
        "meeting", "call", "drop", "limit", "radius", "race", "dumbbell", "kettlebell", "weight",
        "plate", "bag", "bottle", "pack", "pan", "pot", "skillet", "tin", "dish", "screen",
        "display", "monitor", "tablet", "laptop", "pizza", "cake", "tire", "wheel", "board",
        "pipe", "drill", "bit", "blade", "lens", "sprint", "dash", "loop", "trail",
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
    "tn": "trillion",
    "trn": "trillion",
    "T": "trillion",
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
        "HIV", "ATM", "SMS", "VPN", "HTTP", "HTTPS", "XML", "SQL", "CLI", "GUI",
        "OS", "PT", "ROM", "EMG", "BP", "HDL", "LDL", "ECG", "EKG", "ICU", "ER", "RSS",
        "MP3", "NGO", "WHO", "DOM", "SAT", "GRE", "PIN", "IRA", "PAC", "AMA", "AM", "PM",
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
    "AIDS": "Aids",
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
    "≤": " less than or equal to ",
    "≥": " greater than or equal to ",
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

# --------------------------------------------------------------------------------------------
# Dates (speech/dates.py)

DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

WEEKDAYS = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
    "sat": "Saturday", "sun": "Sunday",
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# Clock, durations, paces, ratios (speech/clock.py)

PACE_UNITS = {
    "km": "kilometer", "kilometer": "kilometer", "kilometre": "kilometre", "mi": "mile",
    "mile": "mile", "100m": "hundred meters", "400m": "four hundred meters",
    "500m": "five hundred meters", "lap": "lap",
}  # fmt: skip

# Ratios said "by" rather than "to": screen and photo shapes.
ASPECT_RATIOS = frozenset(
    {("16", "9"), ("4", "3"), ("21", "9"), ("3", "2"), ("16", "10"), ("1", "1"), ("9", "16"),
     ("5", "4"), ("32", "9")}
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Identifiers (speech/identifiers.py)

# Airline codes read letter by letter before a flight number ("BA 117"). Codes that are also
# common words or places before numbers ("US 101", "CA 94103") are left out.
AIRLINE_CODES = frozenset(
    {
        "BA", "AA", "UA", "DL", "LH", "AF", "KL", "EK", "QF", "NH", "JL", "SQ", "CX", "AC", "IB",
        "AZ", "LX", "OS", "SK", "AY", "TK", "QR", "EY", "VS", "WN", "B6", "NK", "F9", "U2",
        "FR", "EI", "TP", "LO", "SU", "MU", "CZ", "KE", "OZ", "ET", "NZ", "VA", "WS", "AV",
        "CM", "AM", "JQ", "W6", "VY", "HA", "G4", "SY", "MH", "TG", "GA", "PR", "VN", "BR",
        "CI", "EW", "DY", "D8", "SN", "LY", "MS", "RJ", "SV", "UL", "PK", "WY", "KQ",
    }
)  # fmt: skip

# Train services said as their name and a grouped number ("ICE 597" -> "ICE five ninety-seven").
TRAIN_CODES = frozenset(
    {"ICE", "IC", "EC", "TGV", "RE", "RB", "IR", "EN", "NJ", "AVE", "RJX", "RJ", "Amtrak",
     "Eurostar", "Acela", "Thalys", "Frecciarossa", "Shinkansen", "Nozomi", "Hikari", "Brightline"}
)  # fmt: skip

# Prefixes of "WORD-123" that are not ticket keys ("COVID-19" is read as its own name).
TICKET_NOT_PREFIX = frozenset(
    {"covid", "sars", "mers", "h1n1", "wi", "f", "mig", "su", "boeing", "airbus", "type",
     "class", "grade", "level", "top", "under", "over", "page", "step", "phase", "day", "week",
     "year", "size", "k"}
)  # fmt: skip

# US states before a ZIP code ("CA 90210").
US_STATES = frozenset(
    {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "DC"}
)  # fmt: skip

# Cities after which a 4 or 5 digit number is a postal code ("10115 Berlin").
POSTCODE_CITIES = frozenset(
    {
        "Berlin", "Hamburg", "München", "Munich", "Köln", "Cologne", "Frankfurt", "Stuttgart",
        "Düsseldorf", "Leipzig", "Dresden", "Bremen", "Hannover", "Nürnberg", "Bonn", "Paris",
        "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Bordeaux", "Lille", "Strasbourg",
        "Madrid", "Barcelona", "Valencia", "Sevilla", "Seville", "Bilbao", "Roma", "Rome",
        "Milano", "Milan", "Napoli", "Torino", "Firenze", "Bologna", "Wien", "Vienna", "Graz",
        "Zürich", "Zurich", "Genève", "Geneva", "Bern", "Basel", "Lausanne", "Amsterdam",
        "Rotterdam", "Utrecht", "Brussels", "Bruxelles", "Antwerpen", "Copenhagen", "København",
        "Oslo", "Stockholm", "Helsinki", "Warszawa", "Warsaw", "Kraków", "Praha", "Prague",
        "Budapest", "Lisboa", "Lisbon", "Porto", "Athens", "Luxembourg", "Salzburg", "Innsbruck",
    }
)  # fmt: skip

# Products whose "3.11" is a version ("three point eleven"), not a decimal.
VERSIONED_PRODUCTS = frozenset(
    {
        "Python", "Node", "Node.js", "iOS", "iPadOS", "macOS", "watchOS", "Android", "Ubuntu",
        "Debian", "Fedora", "Java", "PHP", "Ruby", "Rails", "Django", "Flask", "Go", "Rust",
        "Linux", "Firefox", "Chrome", "Safari", "Edge", "Windows", "Kotlin", "Swift",
        "TypeScript", "Perl", "Postgres", "PostgreSQL", "MySQL", "MariaDB", "Redis",
        "Kubernetes", "Docker", "OpenSSL", "OpenSSH", "Log4j", "curl", "Git", "GCC", "LLVM",
        "Clang", "Vue", "React", "Angular", "Gradle", "Maven", "Terraform", "Bootstrap",
        "jQuery", "Spring", "NumPy", "pandas", "Electron", "Unity", "Blender", "Excel",
        "Office", "Photoshop", "Wordpress", "WordPress", "Drupal", "nginx", "Apache", "Tomcat",
        "Elasticsearch", "MongoDB", "Kafka", "Spark", "Hadoop", "Scala", "Elixir", "Erlang",
        "Haskell", "Lua", "Julia", "Dart", "Flutter", "Deno", "Bun", "npm", "pip", "Xcode",
        "HTTP", "TLS", "SSL", "Bluetooth", "USB", "Wi-Fi", "PCIe", "DDR", "HDMI", "CUDA",
        "OpenGL", "Vulkan", "DirectX", "GPT", "Llama", "Gemini", "Claude", "Mistral", "ChromeOS",
        "FreeBSD", "CentOS", "RHEL", "Alpine", "Mint", "Zorin", "Manjaro", "Arch", "openSUSE",
    }
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Roman numerals (speech/roman.py)

# Words after which a Roman numeral is a cardinal ("Chapter IV" -> "Chapter four").
ROMAN_COUNTED = frozenset(
    {
        "Chapter", "Part", "Act", "Scene", "Book", "Volume", "Vol", "Section", "Article",
        "Title", "Phase", "Stage", "Level", "Class", "Type", "Grade", "Episode", "Series",
        "Season", "Appendix", "Annex", "Canto", "Psalm", "Step", "Round", "Year", "Tier",
        "Category", "Division", "Schedule", "Amendment", "Apollo", "Gemini", "Vatican",
        "World War", "Super Bowl", "WrestleMania", "Henry Box", "Olympiad", "Mark", "Mk",
        "Formula", "Figure", "Table", "Plate", "Op", "Opus", "No", "Symphony", "Rule",
    }
)  # fmt: skip

# Given names of rulers, popes and people whose Roman numeral is an ordinal ("the Eighth").
REGNAL_NAMES = frozenset(
    {
        "Henry", "Elizabeth", "Louis", "George", "Edward", "Charles", "William", "James",
        "Richard", "John", "Mary", "Anne", "Victoria", "Benedict", "Pius", "Leo", "Gregory",
        "Paul", "Innocent", "Clement", "Alexander", "Frederick", "Philip", "Ferdinand", "Peter",
        "Catherine", "Napoleon", "Ramesses", "Ramses", "Constantine", "Alfonso", "Carlos",
        "Juan", "Gustav", "Gustavus", "Olaf", "Harald", "Christian", "Haakon", "Wilhelm",
        "Otto", "Rudolf", "Francis", "Urban", "Boniface", "Sixtus", "Nicholas", "Ivan",
        "Stephen", "David", "Robert", "Alfred", "Amenhotep", "Thutmose", "Cleopatra",
        "Ptolemy", "Darius", "Xerxes", "Felipe", "Fernando", "Isabella", "Joseph", "Karl",
        "Leopold", "Maximilian", "Sigismund", "Casimir", "Sobieski", "Mohammed", "Muhammad",
        "Selim", "Suleiman", "Mehmed", "Abdullah", "Hussein", "Rama", "Akihito", "Willem",
        "Margrethe", "Carl", "Gustaf", "Albert", "Baudouin", "Philippe", "Felix", "Luther",
        "Martin", "Thomas", "Jr", "Rockefeller", "Vanderbilt", "Roosevelt", "Kennedy", "Ford",
        "Griffey", "Dale", "Earnhardt", "Harry", "Andrew", "Michael", "Matthew", "Mark",
        "Arthur", "Edmund", "Harold", "Canute", "Cnut", "Ethelred", "Athelstan", "Boris",
        "Simeon", "Basil", "Manuel", "Justinian", "Theodosius", "Valentinian",
    }
)  # fmt: skip

# Names whose last letter is a letter, not a numeral.
ROMAN_KEPT = frozenset(
    {"Malcolm X", "Model X", "Model S", "Model Y", "Generation X", "Brand X", "Project X",
     "Planet X", "Plan X", "Vitamin D", "Vitamin C", "Type I", "Windows XP", "Mac OS X",
     "OS X", "Formula E", "Day X"}
)  # fmt: skip

# Capital words that read like Roman numerals but are words or acronyms.
ROMAN_LOOKALIKES = frozenset(
    {"MIX", "DIV", "MIL", "CIV", "DC", "CD", "MD", "CC", "CM", "DL", "LCD", "MCL", "CLI", "XL",
     "XXL", "MCM", "MC", "CV", "ML", "DI", "DIM", "DCC", "MDC", "LV", "MM", "CCC", "MMM"}
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Acronyms (speech/english.py speak_acronyms): capitals of 2 to 5 letters are spelled ("IBM"
# -> "I B M") unless said as a word (AS_WORDS) or a common word written in capitals (below).
CAPS_WORDS = frozenset(
    {"A", "AN", "AND", "ARE", "AS", "AT", "BE", "BIG", "BUT", "BUY", "BY", "CALL", "CAN", "CASH",
    "DAY", "DEAL", "DID", "DO", "DONE", "DONT", "EACH", "END", "EVEN", "EVER", "FAIL", "FAST",
    "FIRE", "FOR", "FREE", "FROM", "FUN", "GET", "GO", "GOOD", "GOT", "GREAT", "HAS", "HAVE", "HE",
    "HELP", "HER", "HERE", "HIM", "HIS", "HOT", "HOW", "IF", "IN", "INTO", "IS", "ITS", "JUST",
    "KEEP", "KNOW", "LAST", "LIKE", "LIVE", "LOOK", "LOVE", "MADE", "MAKE", "MANY", "MAY", "ME",
    "MORE", "MOST", "MUCH", "MUST", "MY", "NEED", "NEVER", "NEW", "NEWS", "NEXT", "NO", "NONE",
    "NOR", "NOT", "NOTE", "NOW", "OF", "OFF", "OLD", "ON", "ONE", "ONLY", "OPEN", "OR", "OUR",
    "OUT", "OVER", "PLAN", "READ", "REAL", "SAFE", "SALE", "SAID", "SAVE", "SEE", "SHE", "SHOP",
    "SO", "SOME", "SOON", "STAY", "STEP", "STOP", "SURE", "TAKE", "MIX", "MAX", "TELL", "THAN",
    "THAT",
    "THE", "THEM", "THEN", "THEY", "THIS", "TIME", "TIP", "TIPS", "TO", "TOO", "TOP", "TRUE",
    "TRY", "TWO", "UP", "UPON", "USE", "VERY", "WAIT", "WANT", "WAS", "WAY", "WE", "WELL", "WERE",
    "WHAT", "WHEN", "WHY", "WILL", "WIN", "WITH", "WORK", "YES", "YET", "YOU", "YOUR", "ZERO",
    "BONUS", "ALERT", "ALERTS", "WARN", "ERROR", "FINAL", "SOLD", "CLOSED", "OPENS", "ASAP", "FAQ"}
)  # fmt: skip

AS_WORDS.update(
    {
        "NASDAQ": "Nasdaq",
        "UEFA": "Uefa",
        "ASEAN": "Asean",
        "OSHA": "Osha",
        "FEMA": "Fema",
        "DARPA": "Darpa",
        "NAFTA": "Nafta",
        "CERN": "Cern",
        "IKEA": "Ikea",
        "LEGO": "Lego",
        "SWAT": "swat",
        "NIMBY": "nimby",
        "SIM": "sim",
        "PIN": "pin",
        "RAM": "ram",
        "LAN": "lan",
        "WAN": "wan",
        "SaaS": "sass",
        "CAPTCHA": "captcha",
        "SCOTUS": "Scotus",
        "POTUS": "Potus",
        "FLOTUS": "Flotus",
        "NOAA": "Noah",
        "NASCAR": "Nascar",
        "SARS": "Sars",
        "MERS": "Mers",
        "CRISPR": "crisper",
        "MIDI": "middy",
        "LIDAR": "lidar",
        "SONAR": "sonar",
        "TASER": "taser",
        "WYSIWYG": "wizzy wig",
        "ASCII": "ask ee",
        "GNU": "G N U",
        "YAML": "yammel",
        "PETA": "Peta",
        "NORAD": "Norad",
        "OPSEC": "op sec",
        "JIRA": "Jira",
        "Jira": "Jira",
        "GIFs": "gifs",
        "mRNA": "m R N A",
        "JSON": "Jason",
        "A/C": "A C",
        "N/A": "N A",
        "P/E": "P E",
        "I/O": "I O",
        "DIV": "div",
        "OLED": "oh led",
        "AMOLED": "ay moh led",
        "QLED": "Q led",
        "ZIP": "zip",
        "UNIX": "Unix",
        "LINUX": "Linux",
        "IMAX": "I max",
        "NEON": "neon",
        "ISO": "I S O",
        "iOS": "I O S",
        "iPadOS": "I pad O S",
        "macOS": "mac O S",
        "MIT": "M I T",
        "Mbps": "megabits per second",
        "STEM": "stem",
        "FAQ": "F A Q",
        "FAQs": "F A Qs",
        "ETA": "E T A",
        "GOAT": "goat",
        "SPAC": "spack",
        "REIT": "reet",
        "ESPN": "E S P N",
    }
)

# Currency codes around an amount ("CHF 300", "300 EUR"): (singular, plural).
CURRENCY_CODES = {
    "USD": ("US dollar", "US dollars"), "EUR": ("euro", "euros"), "GBP": ("pound", "pounds"),
    "CHF": ("Swiss franc", "Swiss francs"), "JPY": ("yen", "yen"), "CAD": ("Canadian dollar",
    "Canadian dollars"), "AUD": ("Australian dollar", "Australian dollars"), "INR": ("rupee",
    "rupees"), "CNY": ("yuan", "yuan"), "SEK": ("Swedish krona", "Swedish kronor"),
    "NOK": ("Norwegian krone", "Norwegian kroner"), "DKK": ("Danish krone", "Danish kroner"),
    "NZD": ("New Zealand dollar", "New Zealand dollars"), "MXN": ("peso", "pesos"),
    "BRL": ("real", "reais"), "ZAR": ("rand", "rand"), "HKD": ("Hong Kong dollar",
    "Hong Kong dollars"), "SGD": ("Singapore dollar", "Singapore dollars"),
    "PLN": ("zloty", "zlotys"), "KRW": ("won", "won"), "BTC": ("bitcoin", "bitcoin"),
}  # fmt: skip
