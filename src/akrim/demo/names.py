"""Name material for the synthetic world: given names, surnames, streets, firm-name stems.

Everything here is common vocabulary (frequent given names and surnames of each language,
generic Swedish street names, made-up trade words). Names are combined at random, so no
generated person or firm is a real one. Lists are written out so that the generator is
deterministic and needs nothing from outside.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Names of one language group; ``last_female`` runs parallel to ``last``."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]
    last_female: tuple[str, ...]


def _same(name: str) -> str:
    return name


def _slavic(name: str) -> str:
    """Polish -ski/-cki/-dzki become -ska/-cka/-dzka; other surnames stay."""
    return name[:-1] + "a" if name.endswith("ki") else name


def _ov(name: str) -> str:
    """Bulgarian and Uzbek -ov/-ev take -a for women."""
    return name + "a" if name.endswith(("ov", "ev")) else name


def _lithuanian(name: str) -> str:
    """Married women's form: Kazlauskas → Kazlauskienė, Stankevičius → Stankevičienė."""
    for ending in ("ius", "as", "us", "is"):
        if name.endswith(ending):
            return name[: -len(ending)] + "ienė"
    return name


def _origin(male: str, female: str, last: str, feminine: Callable[[str], str] = _same) -> Origin:
    surnames = tuple(last.split())
    return Origin(
        male=tuple(male.split()),
        female=tuple(female.split()),
        last=surnames,
        last_female=tuple(feminine(s) for s in surnames),
    )


ORIGINS: dict[str, Origin] = {
    "se": _origin(
        "Erik Lars Karl Anders Johan Per Nils Jan Mikael Hans Peter Olof Gustav Magnus Björn "
        "Stefan Fredrik Daniel Mattias Jonas Andreas Håkan Göran Sören Åke Örjan Oskar Axel "
        "Viktor Emil Linus Anton Elias Hugo Ludvig Jörgen Bengt Kjell Rasmus Sebastian",
        "Anna Eva Maria Karin Kristina Lena Sara Emma Kerstin Ingrid Marie Malin Jenny Annika "
        "Linnéa Åsa Märta Sofia Elin Ida Hanna Johanna Camilla Ulrika Birgitta Margareta Ebba "
        "Alva Maja Wilma Saga Agnes Frida Helén Therése Louise Matilda Julia Ellen Klara",
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
        "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
        "Magnusson Olofsson Lindström Lindqvist Lindgren Axelsson Berg Bergström Lundberg "
        "Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg "
        "Wallin Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm "
        "Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren "
        "Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Åberg Öberg "
        "Sundström Ström Hägg Ångström Söderström Nordin Björklund Eliasson Pålsson Åkesson "
        "Göransson Hedlund Östlund Sjögren Strand Ek",
    ),
    "fi": _origin(
        "Mika Juha Timo Jari Pekka Kari Matti Antti Jukka Heikki Jussi Ville",
        "Tuula Päivi Riitta Sari Anne Merja Hanna Kaisa Minna Satu Tiina Leena",
        "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen "
        "Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Kinnunen",
    ),
    "pl": _origin(
        "Piotr Krzysztof Andrzej Tomasz Paweł Marcin Michał Grzegorz Łukasz Wojciech Mariusz "
        "Dariusz Jakub Sławomir Przemysław Kamil Mateusz Rafał",
        "Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Monika Dorota Beata "
        "Żaneta Aleksandra Justyna",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
        "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski "
        "Grabowski Nowakowski Pawłowski Michalski Król Wieczorek Jabłoński Wróbel",
        _slavic,
    ),
    "ro": _origin(
        "Ion Gheorghe Vasile Constantin Mihai Andrei Alexandru Florin Marius Ionuț Cătălin "
        "Adrian Bogdan Ștefan Dumitru Cosmin",
        "Maria Elena Ioana Andreea Mihaela Ana Cristina Gabriela Alina Florentina Ștefania "
        "Roxana Daniela",
        "Popescu Popa Pop Radu Ionescu Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu "
        "Munteanu Constantin Mihai Lungu Moldovan Ene Dinu Tănase Bălan Oprea Marin Lupu "
        "Ștefănescu",
    ),
    "bg": _origin(
        "Georgi Ivan Dimitar Nikolay Petar Hristo Stoyan Todor Vasil Angel Kiril Stefan "
        "Yordan Plamen Krasimir",
        "Maria Ivanka Elena Yordanka Petya Desislava Gergana Tsvetelina Rositsa Silviya Radka "
        "Milena",
        "Ivanov Georgiev Dimitrov Petrov Nikolov Hristov Stoyanov Todorov Iliev Vasilev "
        "Atanasov Petkov Angelov Kolev Yordanov Marinov Stefanov Popov Mihaylov Krastev",
        _ov,
    ),
    "lt": _origin(
        "Jonas Tomas Mantas Darius Andrius Mindaugas Vytautas Giedrius Rolandas Saulius "
        "Audrius Paulius",
        "Rasa Jurgita Kristina Inga Vilma Laura Rūta Agnė Eglė Neringa Asta Simona",
        "Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus "
        "Paulauskas Urbonas Kavaliauskas Navickas Ramanauskas Savickas Rimkus",
        _lithuanian,
    ),
    "de": _origin(
        "Thomas Michael Andreas Stefan Markus Jan Tobias Florian Jürgen Klaus",
        "Sabine Katrin Julia Anja Claudia Stefanie Jana Birgit Jutta Sandra",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
        "Koch Bauer Richter Klein",
    ),
    "ua": _origin(
        "Oleksandr Serhii Andrii Volodymyr Mykola Yurii Vasyl Dmytro Ihor Oleh Vitalii Taras "
        "Bohdan Maksym Roman",
        "Olena Nataliia Tetiana Iryna Oksana Svitlana Yuliia Kateryna Liudmyla Halyna Olha "
        "Anastasiia",
        "Melnyk Shevchenko Kovalenko Bondarenko Boiko Tkachenko Kravchenko Kovalchuk Koval "
        "Oliinyk Shevchuk Polishchuk Bondar Tkachuk Marchenko Moroz Lysenko Rudenko Savchenko "
        "Petrenko",
    ),
    "th": _origin(
        "Somchai Somsak Prasert Sompong Wichai Surachai Anan Boonmee Chaiya Kittisak Narong "
        "Thawatchai",
        "Somsri Malee Siriporn Nittaya Pranee Wanida Kanya Suda Ratana Pornthip Jintana Araya",
        "Saetang Srisuk Chaiyaporn Boonsri Wongsawat Kaewkla Phromma Sukjai Thongdee "
        "Intharasuk Saengthong Charoenrat Rattanakorn Srisawat Khamphan",
    ),
    "vn": _origin(
        "Minh Tuan Hung Dung Nam Thanh Long Quang Huy Duc Hai Son",
        "Lan Huong Linh Mai Trang Thao Ngoc Hoa Thuy Hanh Phuong Anh",
        "Nguyen Tran Le Pham Hoang Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly",
    ),
    "ar": _origin(
        "Mohammed Ahmed Ali Omar Khaled Hassan Hussein Mahmoud Yousef Ibrahim Abdullah "
        "Mustafa Karim Samir Tarek",
        "Fatima Aisha Mariam Noor Layla Rania Huda Amira Zainab Yasmin Hala Rasha",
        "Al-Hassan Al-Ahmad Khalil Haddad Hamdan Al-Ali Mansour Saleh Darwish Ibrahim Hussein "
        "Qasim Najjar Al-Khatib Abbas Jaber Aziz",
    ),
    "fa": _origin(
        "Reza Ali Mohammad Hossein Mehdi Amir Hamid Saeed Farid Dariush Behzad Navid Ahmad "
        "Jawad Hamed",
        "Maryam Fatemeh Zahra Sara Leila Shirin Nasrin Parisa Mina Narges Soheila Roya",
        "Hosseini Mohammadi Ahmadi Rezaei Moradi Karimi Rahimi Jafari Sadeghi Hashemi "
        "Ghorbani Amiri Rostami Nazari Azizi Safari Haidari Sultani",
    ),
    "ti": _origin(
        "Tesfay Yonas Dawit Mehari Kibrom Filmon Samuel Habte Tekle Berhane Yohannes Ghebre",
        "Senait Helen Selam Mebrat Saba Yodit Tsega Rahwa Lidya Winta Freweini Almaz",
        "Tesfamariam Gebremedhin Haile Tekle Ghebreyesus Berhane Woldemichael Kidane "
        "Andemariam Mehari Habtemariam Asmerom Negash Tewolde",
    ),
    "so": _origin(
        "Abdi Mohamed Ahmed Abdirahman Abdullahi Hassan Hussein Ali Omar Yusuf Farah Ismail "
        "Mahad Abdikarim",
        "Fadumo Hodan Amina Sahra Faduma Khadija Ifrah Ayan Hibaq Halimo Nimco Sagal",
        "Mohamed Ahmed Hassan Ali Abdi Omar Warsame Farah Jama Aden Osman Hersi Yusuf Ismail "
        "Dahir Mohamud Abdullahi",
    ),
    "bn": _origin(
        "Rahim Karim Shafiq Rashed Jahid Habib Rafiq Anwar Kamal Jamal Sohel Mizan Tanvir Arif",
        "Nasima Shirin Rokeya Salma Farzana Nusrat Sharmin Taslima Rina Ruma Shapla Sumaiya",
        "Rahman Hossain Islam Uddin Ahmed Chowdhury Khan Miah Sarker Alam Haque Biswas Das Mondal",
    ),
    "in": _origin(
        "Rahul Amit Rajesh Suresh Vikram Arjun Sanjay Ravi Deepak Anil Karthik Pradeep "
        "Harpreet Gurpreet Manoj",
        "Priya Anjali Sunita Deepa Kavita Pooja Neha Lakshmi Meena Divya Shalini Swati",
        "Sharma Singh Kumar Patel Reddy Nair Gupta Iyer Rao Joshi Mehta Verma Pillai Menon Chauhan",
    ),
    "uz": _origin(
        "Akmal Bekzod Dilshod Jasur Otabek Rustam Sardor Sherzod Ulugbek Farrukh Jamshid Timur",
        "Dilnoza Gulnora Malika Nodira Shahnoza Zarina Feruza Madina Nigora Sevara Kamola Lola",
        "Karimov Rakhimov Yusupov Abdullaev Ergashev Mirzaev Nazarov Tursunov Umarov Khodjaev "
        "Saidov Alimov Ismoilov Rashidov Sultanov",
        _ov,
    ),
    "tr": _origin(
        "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Serkan Cem Kemal Yusuf",
        "Ayşe Fatma Emine Hatice Zeynep Elif Özlem Merve Esra Gül Sevgi Derya",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
        "Aslan Çetin Kara Koç Kurt",
    ),
    "cn": _origin(
        "Wei Jun Lei Hao Jian Ming Qiang Tao Yong Bin Chao Gang",
        "Fang Li Na Xiu Ying Mei Yan Jing Hong Lan Xia Hui",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Lin",
    ),
    "ph": _origin(
        "Jose Juan Mark Michael Ramon Rodel Arnel Jerome Rolando Carlo",
        "Maria Jocelyn Rowena Marites Maricel Cristina Lorna Analyn Rosalie Jennifer",
        "Santos Reyes Cruz Bautista Garcia Mendoza Torres Tomas Andrada Castillo Flores "
        "Villanueva Ramos Aquino",
    ),
}

ORIGIN_KEYS: tuple[str, ...] = tuple(ORIGINS)

# Citizenship (ISO 3166-1 alpha-2) → language group of the name.
COUNTRY_ORIGIN: dict[str, str] = {
    "SE": "se",
    "FI": "fi",
    "PL": "pl",
    "RO": "ro",
    "BG": "bg",
    "LT": "lt",
    "DE": "de",
    "UA": "ua",
    "TH": "th",
    "VN": "vn",
    "SY": "ar",
    "IQ": "ar",
    "IR": "fa",
    "AF": "fa",
    "ER": "ti",
    "SO": "so",
    "BD": "bn",
    "IN": "in",
    "UZ": "uz",
    "TR": "tr",
    "CN": "cn",
    "PH": "ph",
}

# Swedish citizens: the language group of their names (Sweden is a country of immigration).
SE_NAME_MIX: dict[str, float] = {
    "se": 0.80,
    "fi": 0.03,
    "ar": 0.035,
    "fa": 0.025,
    "ti": 0.01,
    "so": 0.012,
    "tr": 0.012,
    "pl": 0.012,
    "de": 0.008,
    "bn": 0.004,
    "in": 0.006,
    "vn": 0.005,
    "th": 0.006,
    "ua": 0.005,
    "ro": 0.004,
    "bg": 0.003,
    "lt": 0.002,
    "uz": 0.001,
    "cn": 0.004,
    "ph": 0.003,
}

# Spellings that the same name takes in different transliterations or on a form filled in
# by hand. Used for what a control team writes down.
VARIANTS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Mohamed", "Muhammad", "Mohammad", "Mohamad"),
    "Mohamed": ("Mohammed", "Mohamad", "Maxamed"),
    "Mohammad": ("Mohammed", "Mohamad", "Muhammad"),
    "Ahmed": ("Ahmad", "Achmed"),
    "Ahmad": ("Ahmed", "Ahmet"),
    "Hussein": ("Hussain", "Husein", "Hosein"),
    "Hassan": ("Hasan",),
    "Yousef": ("Yusuf", "Youssef", "Jusuf"),
    "Yusuf": ("Yousef", "Yussuf"),
    "Mahmoud": ("Mahmud", "Mahmood"),
    "Abdullah": ("Abdallah", "Abdulla"),
    "Abdullahi": ("Abdulahi", "Abdillahi"),
    "Abdirahman": ("Abdulrahman", "Abdurahman"),
    "Khaled": ("Khalid", "Chaled"),
    "Omar": ("Umar", "Omer"),
    "Mustafa": ("Mostafa", "Moustafa"),
    "Ibrahim": ("Ebrahim", "Ibraheem"),
    "Oleksandr": ("Aleksandr", "Olexandr", "Alexander"),
    "Serhii": ("Sergii", "Serhiy", "Sergej"),
    "Andrii": ("Andriy", "Andrij", "Andrei"),
    "Volodymyr": ("Wolodymyr", "Vladimir"),
    "Yurii": ("Yuriy", "Jurij", "Juri"),
    "Dmytro": ("Dmitro", "Dmitrij"),
    "Vitalii": ("Vitaliy", "Vitalij"),
    "Nataliia": ("Natalia", "Nataliya"),
    "Tetiana": ("Tatiana", "Tetyana", "Tatjana"),
    "Yuliia": ("Yulia", "Julija"),
    "Kateryna": ("Katerina", "Ekaterina"),
    "Anastasiia": ("Anastasia", "Anastasija"),
    "Shevchenko": ("Schewtschenko", "Sevcenko"),
    "Kovalenko": ("Kowalenko",),
    "Tkachenko": ("Tkatchenko", "Tkacenko"),
    "Kravchenko": ("Krawtschenko", "Kravcenko"),
    "Oliinyk": ("Oleinik", "Olijnyk"),
    "Khodjaev": ("Xodjaev", "Hodjaev", "Khodzhaev"),
    "Rakhimov": ("Rahimov", "Raximov"),
    "Somchai": ("Somchay",),
    "Prasert": ("Prasoet",),
    "Saetang": ("Sae-Tang", "Saetung"),
    "Nguyen": ("Nguyễn", "Ngyuen"),
    "Tesfamariam": ("Tesfa Mariam", "Tesfamaryam"),
    "Gebremedhin": ("Gebremedin", "Ghebremedhin"),
    "Ghebreyesus": ("Gebreyesus",),
    "Woldemichael": ("Weldemichael", "Woldemikael"),
    "Hosseini": ("Husseini", "Hoseini"),
    "Mohammadi": ("Mohamadi", "Muhammadi"),
    "Rezaei": ("Rezai", "Rezaie"),
    "Chowdhury": ("Choudhury", "Chowdury"),
    "Hossain": ("Hussain", "Hosain"),
    "Georgi": ("Georgy", "Georgiy"),
    "Hristov": ("Christov", "Khristov"),
    "Yordan": ("Jordan",),
    "Nikolay": ("Nikolai",),
    "Mihaylov": ("Mihailov", "Michailov"),
    "Krzysztof": ("Kristof", "Krzystof"),
    "Wojciech": ("Wojciek", "Voitek"),
    "Mikael": ("Michael", "Mickael"),
    "Kristina": ("Christina", "Kristine"),
    "Karlsson": ("Carlsson",),
    "Karl": ("Carl",),
}

_SPECIAL_ASCII = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ı": "i"}
)


def ascii_fold(text: str) -> str:
    """Drop diacritics the way a form filled in without them does: Åsa → Asa, Łukasz → Lukasz."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_ASCII))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> tuple[str, ...]:
    """Split on spaces; an underscore joins words that belong together."""
    return tuple(word.replace("_", " ") for word in text.split())


STREETS: tuple[str, ...] = _words(
    "Storgatan Kungsgatan Drottninggatan Järnvägsgatan Skolgatan Kyrkogatan Nygatan "
    "Östra_Storgatan Västra_Vägen Industrivägen Verkstadsgatan Fabriksgatan "
    "Hantverkargatan Stationsgatan Torggatan Parkvägen Björkvägen Ekvägen Lindvägen "
    "Granvägen Tallvägen Rönnvägen Almvägen Lönnvägen Aspvägen Sjövägen Strandvägen "
    "Hamngatan Bangårdsgatan Tingsgatan Prästgatan Bryggargatan Smedjegatan Möllevägen "
    "Kvarngatan Bruksgatan Malmvägen Gruvvägen Skogsvägen Ängsvägen Åkervägen Backvägen "
    "Bergsgatan Dalvägen Solvägen Vintergatan Norra_Vägen Södra_Vägen Centralvägen "
    "Handelsvägen Företagsvägen Lagervägen Terminalvägen Förrådsvägen Montörvägen "
    "Elektronvägen Datavägen Snickarvägen Murarvägen Målarvägen Rörläggarvägen "
    "Byggmästarvägen Lantmannavägen Mejerivägen Sågverksvägen Brogatan Klockaregatan "
    "Riddargatan Slottsgatan Trädgårdsgatan Tegelbruksvägen Glasbruksgatan "
    "Hästhagsvägen Idrottsvägen Folkungagatan Götgatan Vasagatan Linnégatan Sveavägen "
    "Fridhemsgatan Karlavägen Odengatan Västergatan Östergatan Norrgatan Södergatan"
)

# First word of a firm's name. Combined with a trade word (``Nord Bygg AB``) or with a
# surname from the lists above.
STEMS: tuple[str, ...] = _words(
    "Nord Syd Väst Öst Alfa Polar Vega Stjärn Ek Björk Lind Sjö Berg Fjäll Älv Skär Svea "
    "Göta Norden Viking Saga Nova Prima Optima Kvalitets Proffs Snabb Trygg Smart Green "
    "Blue City Central Express Royal Star Golden Happy Kung Premium Bella Roma Napoli "
    "Milano Istanbul Bangkok Saigon Tokyo Kabul Damaskus Aleppo Baltic Europa Sunrise "
    "Nordic Scandi Solid Stabil Hem Hus Gård Stad Bro Hamn Ängs Mälar Vätter Vänern "
    "Kustens Skogens Dalens Lilla Stora Gamla Nya Första Bästa Topp Elit Expert Allt_i "
    "Team Partner Grupp Total Perfekt Rena Glada Lyckans Solens Månens Vintergatans "
    "Kronan Lejonet Örnen Falken Tranan Vargen Björnen Älgen Rådjuret Lodjuret Mistral "
    "Sirocco Atlas Orion Zenit Delta Omega Sigma Kappa Iris Flora Fauna Linnea Freja Tor "
    "Oden Balder Idun Astrid Elsa Greta Sally Olga Vera Mira Luna Stella Aurora Ada"
)

# Legal form of a foreign company with a Swedish branch (filial), by country.
FOREIGN_FORMS: tuple[str, ...] = ("Sp. z o.o.", "SRL", "UAB", "EOOD", "OÜ", "GmbH", "Ltd")
