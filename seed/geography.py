"""Real geography for the seeds: provinces, the demo regions and their municipalities.

Municipality facts (CBS code, approach model, elements, reach, phase and start date)
come from the 2025 VIOS study (seed 004, tables 2.1 and 2.2) and the
Maastricht-Heuvelland example (seed 000). Coordinates are approximate town
centres; postcode prefixes are real 4-digit areas of the town.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.vocab import DEFAULT_REQUIRED_PARTNER_TYPES


@dataclass(frozen=True)
class ProvinceInfo:
    name: str
    lat: float
    lon: float
    municipalities: int  # number of municipalities in 2026 (sums to 342)
    postcode_prefixes: tuple[int, ...]  # first two digits used in the province
    phone_area: str


PROVINCES: tuple[ProvinceInfo, ...] = (
    ProvinceInfo("Groningen", 53.22, 6.74, 10, (97, 98, 99), "050"),
    ProvinceInfo("Fryslân", 53.11, 5.85, 18, (84, 85, 86, 87, 88, 89, 90, 91, 92), "058"),
    ProvinceInfo("Drenthe", 52.86, 6.62, 12, (77, 78, 79, 94), "0592"),
    ProvinceInfo("Overijssel", 52.44, 6.45, 25, (74, 75, 76, 80, 81), "038"),
    ProvinceInfo("Flevoland", 52.53, 5.60, 6, (13, 82, 83), "036"),
    ProvinceInfo("Gelderland", 52.06, 5.95, 51, (40, 65, 66, 67, 68, 69, 70, 71, 72, 73), "026"),
    ProvinceInfo("Utrecht", 52.08, 5.17, 26, (34, 35, 36, 37, 39), "030"),
    ProvinceInfo("Noord-Holland", 52.58, 4.87, 44, (10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21), "020"),
    ProvinceInfo("Zuid-Holland", 51.99, 4.50, 50, (22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33), "070"),
    ProvinceInfo("Zeeland", 51.45, 3.85, 13, (43, 44, 45), "0118"),
    ProvinceInfo("Noord-Brabant", 51.56, 5.20, 56, (46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58), "040"),
    ProvinceInfo("Limburg", 51.20, 5.93, 31, (59, 60, 61, 62, 63, 64), "043"),
)


@dataclass(frozen=True)
class RegionInfo:
    name: str
    province: str
    validity_months: int = 24
    expiring_window_months: int = 6
    required_partner_types: tuple[str, ...] = tuple(DEFAULT_REQUIRED_PARTNER_TYPES)
    audit_capacity_per_quarter: int | None = None
    # optional partner types that schools in the region often also work with
    optional_partner_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class MunicipalityInfo:
    code: str
    name: str
    region: str
    model: str
    phase: str
    since: date | None
    elements: tuple[str, ...]
    reach: str
    lat: float
    lon: float
    postcodes: tuple[int, ...]
    phone_area: str
    # school mix in the demo: sector -> number of locations
    demo_schools: dict[str, int] = field(default_factory=dict)


CORE_MH = ("gemeente", "politie", "halt", "ggd", "jeugdzorg", "leerplicht")

DEMO_REGIONS: tuple[RegionInfo, ...] = (
    RegionInfo("Maastricht-Heuvelland", "Limburg", 24, 6, CORE_MH, 4,
               ("jongerenwerk", "veilig_thuis", "schoolveiligheidscoordinator")),
    RegionInfo("Parkstad Limburg", "Limburg", 24, 6, CORE_MH, 6,
               ("jongerenwerk", "veilig_thuis", "sociaal_wijkteam")),
    RegionInfo("Arnhem", "Gelderland", 24, 6,
               ("gemeente", "politie", "jongerenwerk", "leerplicht", "schoolveiligheidscoordinator"), 4,
               ("halt", "ggd", "straatcoaches")),
    RegionInfo("Haaglanden", "Zuid-Holland", 24, 6, ("gemeente", "politie", "halt", "leerplicht", "jongerenwerk"),
               5, ("ggd", "jeugdzorg", "handhaving")),
    RegionInfo("Leiden", "Zuid-Holland", 24, 6, ("gemeente", "politie", "leerplicht", "ggd"), 3,
               ("halt", "jongerenwerk")),
    RegionInfo("Rotterdam", "Zuid-Holland", 36, 6, ("gemeente", "politie", "halt", "leerplicht", "ggd"), 8,
               ("jongerenwerk", "jeugdzorg", "handhaving")),
    RegionInfo("Amsterdam", "Noord-Holland", 24, 6,
               ("gemeente", "politie", "leerplicht", "jongerenwerk", "straatcoaches"), 6, ("halt", "ggd")),
    RegionInfo("Zaanstad", "Noord-Holland", 24, 6, ("gemeente", "politie", "leerplicht", "jongerenwerk"), 3,
               ("halt", "ggd")),
    RegionInfo("Eindhoven", "Noord-Brabant", 36, 6, ("gemeente", "politie", "halt", "leerplicht", "ggd"), 5,
               ("jongerenwerk", "jeugdzorg")),
    RegionInfo("Groningen", "Groningen", 24, 6, ("gemeente", "politie", "leerplicht", "ggd"), 3,
               ("jongerenwerk", "halt")),
    RegionInfo("Zwolle", "Overijssel", 24, 6, ("gemeente", "politie", "leerplicht", "jeugdzorg"), 3,
               ("halt", "ggd", "jongerenwerk")),
)

_MH_ELEMENTS = ("convenant", "coordinator", "kernteam", "schoolveiligheidsplan", "audits", "trainingen")
_MH_REACH = "Alle regionale vo-scholen in de convenantgroep; po sluit aan (certificering Veilige School)."
_MH_SINCE = date(2016, 1, 1)  # not in the sources: a plausible start of the covenant trajectory
_PARKSTAD_ELEMENTS = ("coordinator", "convenant", "overkoepelend_overleg", "trainingen")
_PARKSTAD_REACH = "150 scholen; po, vo, mbo, speciaal onderwijs en internationale schakelklas (ISK)."


def _mh(code: str, name: str, lat: float, lon: float, postcodes: tuple[int, ...], schools: dict[str, int]):
    return MunicipalityInfo(code, name, "Maastricht-Heuvelland", "eigen", "uitvoering", _MH_SINCE, _MH_ELEMENTS,
                            _MH_REACH, lat, lon, postcodes, "043", schools)


def _pk(code: str, name: str, lat: float, lon: float, postcodes: tuple[int, ...], schools: dict[str, int]):
    return MunicipalityInfo(code, name, "Parkstad Limburg", "eigen", "uitvoering", date(2018, 1, 1),
                            _PARKSTAD_ELEMENTS, _PARKSTAD_REACH, lat, lon, postcodes, "045", schools)


DEMO_MUNICIPALITIES: tuple[MunicipalityInfo, ...] = (
    # Maastricht-Heuvelland (seed 000); the demo's school list for it is scripted in seed.demo
    _mh("GM0935", "Maastricht", 50.8514, 5.6910, (6211, 6212, 6213, 6214, 6215, 6216, 6217, 6218, 6221, 6222,
                                                   6224, 6225, 6226, 6227, 6228, 6229), {}),
    _mh("GM1903", "Eijsden-Margraten", 50.8210, 5.8190, (6245, 6247, 6268, 6269), {}),
    _mh("GM1729", "Gulpen-Wittem", 50.8160, 5.8890, (6271, 6281, 6286), {}),
    _mh("GM0938", "Meerssen", 50.8870, 5.7510, (6231, 6235), {}),
    _mh("GM0981", "Vaals", 50.7710, 6.0180, (6291, 6294), {}),
    _mh("GM0994", "Valkenburg aan de Geul", 50.8650, 5.8310, (6301, 6305, 6325), {}),
    # Parkstad (table 2.2: 150 schools of all sectors since 2018); the demo holds a sample
    _pk("GM0917", "Heerlen", 50.8882, 5.9795, (6411, 6412, 6413, 6414, 6415, 6416, 6417, 6418, 6419),
        {"vo": 4, "mbo": 1, "po": 2, "so": 1}),
    _pk("GM1711", "Kerkrade", 50.8660, 6.0700, (6461, 6462, 6463, 6464, 6465, 6466), {"vo": 3, "po": 1}),
    _pk("GM0882", "Landgraaf", 50.9080, 6.0290, (6371, 6372, 6373, 6374), {"vo": 2, "po": 1}),
    _pk("GM0899", "Brunssum", 50.9470, 5.9700, (6441, 6442, 6443, 6444, 6445), {"vo": 2, "po": 1}),
    _pk("GM0965", "Simpelveld", 50.8340, 5.9810, (6369, 6351), {"po": 1}),
    _pk("GM0986", "Voerendaal", 50.8830, 5.9300, (6367, 6343), {"po": 1}),
    _pk("GM1954", "Beekdaelen", 50.9170, 5.8860, (6361, 6363, 6365), {"vo": 1, "po": 1}),
    MunicipalityInfo(
        "GM0363", "Amsterdam", "Amsterdam", "amsterdam", "uitvoering", None,
        ("overkoepelend_overleg", "coordinator", "otsv", "trainingen", "jongerenwerk_op_school", "straatcoaches"),
        "Ruim de helft van de scholen in de gemeente; vo-scholen en mbo. Po-scholen in de verkennende fase.",
        52.3730, 4.8930, (1011, 1013, 1017, 1055, 1061, 1062, 1064, 1068, 1069, 1102, 1103, 1104), "020",
        {"vo": 8, "mbo": 2}),
    MunicipalityInfo(
        "GM0202", "Arnhem", "Arnhem", "arnhem", "uitvoering", date(2021, 3, 1),
        ("schoolveiligheidsplan", "coordinator", "kernteam", "signaleringsoverleg", "convenant",
         "jongerenwerk_op_school", "straatcoaches", "trainingen"),
        "Alle vo-scholen (13 scholen), 2 po-scholen en 1 mbo.",
        51.9850, 5.8990, (6811, 6813, 6815, 6822, 6824, 6825, 6826, 6832, 6833, 6843, 6845), "026",
        {"vo": 13, "po": 2, "mbo": 1}),
    MunicipalityInfo(
        "GM0518", "Den Haag", "Haaglanden", "arnhem", "uitvoering", date(2024, 10, 1),
        ("schoolveiligheidsplan", "convenant", "kernteam", "coordinator"),
        "4 vo-scholen en 1 mbo, allen in Den Haag Zuidwest.",
        52.0450, 4.2650, (2533, 2541, 2543, 2544, 2545, 2546), "070", {"vo": 4, "mbo": 1}),
    MunicipalityInfo(
        "GM0503", "Delft", "Haaglanden", "delft", "uitvoering", date(2023, 1, 1),
        ("overkoepelend_overleg", "coordinator", "convenant", "trainingen"),
        "12 vo-scholen en 1 mbo. Primair onderwijs in de verkennende fase.",
        52.0116, 4.3571, (2611, 2612, 2613, 2614, 2622, 2624, 2625, 2627, 2628), "015", {"vo": 6, "mbo": 1}),
    MunicipalityInfo(
        "GM1916", "Leidschendam-Voorburg", "Haaglanden", "eigen", "uitvoering", date(2024, 4, 1),
        ("schoolveiligheidsplan", "kernteam", "coordinator", "trainingen", "convenant"),
        "Alle vo-scholen (7 scholen) en de enige mbo. Vanaf 2026 sluit mogelijk primair onderwijs aan.",
        52.0830, 4.3960, (2261, 2262, 2264, 2265, 2271, 2272, 2273, 2274, 2275), "070", {"vo": 7, "mbo": 1}),
    MunicipalityInfo(
        "GM0772", "Eindhoven", "Eindhoven", "eigen", "uitvoering", date(2020, 1, 1),
        ("overkoepelend_overleg", "trainingen", "coordinator"),
        "44 vo-scholen en mbo-scholen in het samenwerkingsverband; 70 po-scholen uitgenodigd voor het "
        "inloopspreekuur.",
        51.4416, 5.4697, (5611, 5612, 5613, 5614, 5615, 5616, 5621, 5623, 5624, 5625, 5628, 5642, 5643, 5654), "040",
        {"vo": 6, "mbo": 2}),
    MunicipalityInfo(
        "GM0014", "Groningen", "Groningen", "eigen", "plan", date(2024, 11, 1),
        ("schoolveiligheidsplan", "coordinator", "trainingen"),
        "3 po-scholen, 3 vo-scholen en 2 mbo-scholen in de noordelijke wijken van Groningen (aandachtsgebied).",
        53.2400, 6.5500, (9731, 9732, 9733, 9734, 9735, 9736, 9737, 9741, 9742, 9743), "050",
        {"po": 3, "vo": 3, "mbo": 2}),
    MunicipalityInfo(
        "GM0546", "Leiden", "Leiden", "eigen", "uitvoering", date(2022, 11, 1),
        ("signaleringsoverleg", "convenant", "coordinator"),
        "Alle vo-scholen (14 scholen) en 1 mbo.",
        52.1601, 4.4970, (2311, 2312, 2313, 2314, 2315, 2316, 2321, 2324, 2331, 2332, 2333), "071",
        {"vo": 6, "mbo": 1}),
    MunicipalityInfo(
        "GM0599", "Rotterdam", "Rotterdam", "rotterdam", "uitvoering", date(2023, 1, 1),
        ("schoolveiligheidsplan", "coordinator", "audits", "convenant", "overkoepelend_overleg", "trainingen"),
        "Alle vo- en mbo-scholen onder het convenant; in de loop van 2025 sluit primair onderwijs aan. Hoger "
        "onderwijs in de verkennende fase.",
        51.9225, 4.4792, (3011, 3012, 3014, 3021, 3023, 3025, 3031, 3033, 3051, 3071, 3072, 3074, 3081, 3083),
        "010", {"vo": 10, "mbo": 2, "po": 1}),
    MunicipalityInfo(
        "GM0479", "Zaanstad", "Zaanstad", "arnhem", "uitvoering", date(2024, 1, 1),
        ("schoolveiligheidsplan", "coordinator", "kernteam", "signaleringsoverleg"),
        "8 vo-scholen in Zaanstad Oost en Zaanstad Noord, vooral in de wijk Poelenburg.",
        52.4470, 4.8400, (1503, 1504, 1505, 1506, 1521, 1523), "075", {"vo": 5}),
    MunicipalityInfo(
        "GM0193", "Zwolle", "Zwolle", "eigen", "uitvoering", date(2024, 1, 1),
        ("kernteam", "overkoepelend_overleg", "trainingen"),
        "3 vo-scholen; voortgezet speciaal onderwijs; praktijkonderwijs en vmbo B+K.",
        52.5168, 6.0830, (8011, 8012, 8013, 8014, 8021, 8022, 8023, 8024, 8031, 8032, 8041), "038",
        {"vo": 3, "vso": 1, "pro": 1}),
)

REGION_BY_NAME = {r.name: r for r in DEMO_REGIONS}
PROVINCE_BY_NAME = {p.name: p for p in PROVINCES}
