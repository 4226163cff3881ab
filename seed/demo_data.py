"""Scripted content of the demo: boards, partner organisations, tranches and the
Maastricht-Heuvelland school stories. Organisation names may be real; schools,
people and histories are fictional."""
from __future__ import annotations

# Boards (bevoegd gezag): number, name, the sectors and regions they serve ("*" = any).
BOARDS = (
    ("90001", "Stichting Voorbeeldscholen Zuid (fictief)", ("vo", "pro"),
     ("Maastricht-Heuvelland", "Parkstad Limburg")),
    ("90002", "Stichting Openbaar Primair Onderwijs Heuvelland (fictief)", ("po", "so"),
     ("Maastricht-Heuvelland", "Parkstad Limburg")),
    ("90003", "Stichting Voorbeeld Onderwijsgroep Oost (fictief)", ("vo", "pro"),
     ("Arnhem", "Zwolle", "Eindhoven", "Groningen")),
    ("90004", "Vereniging Voorbeeldscholen Randstad (fictief)", ("vo", "pro"),
     ("Haaglanden", "Leiden", "Rotterdam", "Amsterdam", "Zaanstad")),
    ("90005", "Stichting Fictief Primair Onderwijs (fictief)", ("po", "so"), ("*",)),
    ("90006", "Stichting Voorbeeld-mbo Nederland (fictief)", ("mbo",), ("*",)),
    ("90007", "Stichting Speciaal Onderwijs Voorbeeld (fictief)", ("so", "vso"), ("*",)),
)

# Partner organisations: (type, name, served area, contact persons). The area is a
# tuple of region names and/or CBS codes; municipal organisations ("Gemeente X")
# are added for every municipality by the seed itself.
_LIMBURG = ("Maastricht-Heuvelland", "Parkstad Limburg")
_MH = ("Maastricht-Heuvelland",)
_PK = ("Parkstad Limburg",)
ORGANISATIONS = (
    ("provincie", "Provincie Limburg", _LIMBURG, 1),
    ("politie", "Politie basisteam Maastricht", ("GM0935", "GM0938"), 3),
    ("politie", "Politie basisteam Heuvelland", ("GM1903", "GM1729", "GM0981", "GM0994"), 2),
    ("halt", "Halt Limburg", _LIMBURG, 2),
    ("ggd", "GGD Zuid Limburg", _LIMBURG, 2),
    ("jeugdzorg", "Jeugdzorg Zuid-Limburg", _LIMBURG, 2),
    ("veilig_thuis", "Veilig Thuis Zuid-Limburg", _LIMBURG, 1),
    ("leerplicht", "Leerplicht Maastricht-Heuvelland", _MH, 3),
    ("jongerenwerk", "Trajekt jongerenwerk", _MH, 2),
    ("schoolveiligheidscoordinator", "M&O-groep", _MH, 2),
    ("schoolveiligheidscoordinator", "Bureau Credo", _MH, 2),
    ("politie", "Politie basisteam Heerlen", ("GM0917", "GM0882", "GM0986", "GM1954"), 2),
    ("politie", "Politie basisteam Kerkrade", ("GM1711", "GM0965", "GM0899"), 2),
    ("leerplicht", "Leerplicht Parkstad", _PK, 2),
    ("jongerenwerk", "Alcander jongerenwerk", _PK, 2),
    ("sociaal_wijkteam", "Sociaal wijkteam Heerlen", ("GM0917",), 1),
    ("politie", "Politie basisteam Arnhem-Noord", ("GM0202",), 2),
    ("politie", "Politie basisteam Arnhem-Zuid", ("GM0202",), 2),
    ("halt", "Halt Gelderland", ("Arnhem",), 1),
    ("ggd", "GGD Gelderland-Midden", ("Arnhem",), 1),
    ("jongerenwerk", "Rijnstad jongerenwerk", ("Arnhem",), 2),
    ("leerplicht", "Leerplicht Arnhem", ("Arnhem",), 2),
    ("straatcoaches", "Straatcoaches Arnhem", ("Arnhem",), 1),
    ("schoolveiligheidscoordinator", "SASS", ("Arnhem", "Zaanstad"), 2),
    ("schoolveiligheidscoordinator", "Korte Metten", ("Arnhem", "Haaglanden"), 2),
    ("politie", "Politie basisteam Den Haag Zuidwest", ("GM0518",), 2),
    ("politie", "Politie basisteam Delft", ("GM0503",), 2),
    ("politie", "Politie basisteam Leidschendam-Voorburg", ("GM1916",), 1),
    ("halt", "Halt Haaglanden", ("Haaglanden", "Leiden"), 2),
    ("ggd", "GGD Haaglanden", ("Haaglanden",), 1),
    ("leerplicht", "Leerplicht Den Haag", ("GM0518",), 1),
    ("leerplicht", "Leerplicht Delft", ("GM0503",), 1),
    ("leerplicht", "Leerplicht Leidschendam-Voorburg", ("GM1916",), 1),
    ("jongerenwerk", "Jongerenwerk Den Haag Zuidwest", ("GM0518",), 1),
    ("jongerenwerk", "Jongerenwerk Delft", ("GM0503", "GM1916"), 2),
    ("jeugdzorg", "Jeugdzorg Haaglanden", ("Haaglanden",), 1),
    ("handhaving", "Handhaving Den Haag", ("GM0518",), 1),
    ("politie", "Politie basisteam Leiden", ("Leiden",), 2),
    ("leerplicht", "Leerplicht Holland Rijnland", ("Leiden",), 1),
    ("ggd", "GGD Hollands Midden", ("Leiden",), 1),
    ("jongerenwerk", "Jongerenwerk Leiden", ("Leiden",), 1),
    ("politie", "Politie basisteam Rotterdam-Zuid", ("Rotterdam",), 2),
    ("politie", "Politie basisteam Rotterdam-Centrum", ("Rotterdam",), 2),
    ("halt", "Halt Rotterdam-Rijnmond", ("Rotterdam",), 2),
    ("ggd", "GGD Rotterdam-Rijnmond", ("Rotterdam",), 1),
    ("leerplicht", "Leerplicht Rotterdam", ("Rotterdam",), 2),
    ("jongerenwerk", "Jongerenwerk Rotterdam", ("Rotterdam",), 2),
    ("jeugdzorg", "Jeugdzorg Rijnmond", ("Rotterdam",), 1),
    ("handhaving", "Handhaving Rotterdam", ("Rotterdam",), 1),
    ("politie", "Politie basisteam Amsterdam Nieuw-West", ("Amsterdam",), 2),
    ("politie", "Politie basisteam Amsterdam Zuidoost", ("Amsterdam",), 2),
    ("halt", "Halt Amsterdam-Amstelland", ("Amsterdam",), 1),
    ("ggd", "GGD Amsterdam", ("Amsterdam",), 1),
    ("leerplicht", "Leerplicht Amsterdam", ("Amsterdam",), 2),
    ("jongerenwerk", "Jongerenwerk Amsterdam Nieuw-West", ("Amsterdam",), 2),
    ("straatcoaches", "Straatcoaches Amsterdam", ("Amsterdam",), 2),
    ("politie", "Politie basisteam Zaanstad", ("Zaanstad",), 2),
    ("leerplicht", "Leerplicht Zaanstreek-Waterland", ("Zaanstad",), 1),
    ("jongerenwerk", "Jongerenwerk Zaanstad", ("Zaanstad",), 1),
    ("halt", "Halt Noord-Holland", ("Zaanstad",), 1),
    ("ggd", "GGD Zaanstreek-Waterland", ("Zaanstad",), 1),
    ("politie", "Politie basisteam Eindhoven-Centrum", ("Eindhoven",), 2),
    ("halt", "Halt Oost-Brabant", ("Eindhoven",), 1),
    ("ggd", "GGD Brabant-Zuidoost", ("Eindhoven",), 1),
    ("leerplicht", "Leerplicht Eindhoven", ("Eindhoven",), 2),
    ("jongerenwerk", "Jongerenwerk Eindhoven", ("Eindhoven",), 1),
    ("jeugdzorg", "Jeugdzorg Zuidoost-Brabant", ("Eindhoven",), 1),
    ("politie", "Politie basisteam Groningen-Noord", ("Groningen",), 2),
    ("leerplicht", "Leerplicht Groningen", ("Groningen",), 1),
    ("ggd", "GGD Groningen", ("Groningen",), 1),
    ("jongerenwerk", "Jongerenwerk Groningen-Noord", ("Groningen",), 1),
    ("halt", "Halt Noord-Nederland", ("Groningen",), 1),
    ("politie", "Politie basisteam Zwolle", ("Zwolle",), 2),
    ("leerplicht", "Leerplicht Zwolle", ("Zwolle",), 1),
    ("jeugdzorg", "Jeugdzorg IJsselland", ("Zwolle",), 1),
    ("halt", "Halt Oost-Nederland", ("Zwolle",), 1),
    ("ggd", "GGD IJsselland", ("Zwolle",), 1),
    ("jongerenwerk", "Jongerenwerk Zwolle", ("Zwolle",), 1),
)

# Maastricht-Heuvelland tranches: months from today, capacity.
MH_TRANCHES = ((-42, 8), (-29, 8), (-18, 8), (-4, 10), (3, 8))

# Maastricht-Heuvelland schools and their scripted stories. A story is a list of
# trajectories (tranche number, plan): "done" / "not_passed" / "withdrawn" /
# "postponed" / "stalled" plan forward from the tranche start; "now:<phase>" plans
# backward so the school is in that phase today. With 24 months validity:
# tranche 1 certificates have expired, tranche 2 ones expire within 6 months,
# tranche 3 ones (first or re-certification) are valid.
Story = list[tuple[int, str]]  # (tranche number, plan) per trajectory
MH_SCHOOLS: tuple[tuple[str, str, Story], ...] = (
    ("Maastricht", "vo", [(1, "done"), (3, "done")]),            # re-certified: valid
    ("Maastricht", "vo", [(1, "done"), (3, "done")]),
    ("Maastricht", "vo", [(1, "done"), (4, "now:improvement")]),  # expired, re-certifying
    ("Maastricht", "vo", [(1, "done")]),                          # expired, nothing planned
    ("Maastricht", "vo", [(2, "done"), (4, "now:audit")]),        # expiring, re-audit under way
    ("Maastricht", "vo", [(2, "done"), (4, "now:committee")]),
    ("Maastricht", "vo", [(2, "done"), (5, "now:registered")]),   # expiring, registered for next tranche
    ("Maastricht", "vo", [(2, "done")]),                          # expiring, needs a re-audit
    ("Maastricht", "vo", [(2, "not_passed")]),                    # not passed, then certified
    ("Maastricht", "vo", [(3, "done")]),
    ("Maastricht", "mbo", [(3, "stalled")]),                       # stuck in improvement
    ("Maastricht", "mbo", [(4, "now:intake")]),
    ("Maastricht", "pro", [(3, "done")]),
    ("Maastricht", "vso", [(5, "now:registered")]),
    ("Maastricht", "po", []),
    ("Maastricht", "po", [(4, "now:improvement")]),
    ("Maastricht", "po", []),
    ("Eijsden-Margraten", "vo", [(2, "withdrawn")]),
    ("Eijsden-Margraten", "po", []),
    ("Gulpen-Wittem", "vo", [(3, "postponed"), (5, "now:registered")]),
    ("Gulpen-Wittem", "po", []),
    ("Meerssen", "vo", [(1, "done"), (3, "not_passed")]),
    ("Meerssen", "po", [(4, "now:not_passed")]),
    ("Vaals", "vo", [(2, "done"), (4, "now:not_passed")]),
    ("Valkenburg aan de Geul", "vo", [(1, "done"), (3, "done")]),
    ("Valkenburg aan de Geul", "po", [(4, "now:registered")]),
    ("Valkenburg aan de Geul", "po", [(4, "now:postponed")]),  # moves to a later tranche
)
# Closed schools: (municipality, sector, story, months since closing).
MH_CLOSED: tuple[tuple[str, str, Story, int], ...] = (
    ("Maastricht", "vo", [(1, "done")], 7),
    ("Eijsden-Margraten", "po", [], 14),
)
OTHER_CLOSED = (("Kerkrade", "po", 20),)

# Other demo regions: tranche start in months from today (1 to 3 tranches each).
REGION_TRANCHES = {
    "Parkstad Limburg": (-36, -20, -6),
    "Arnhem": (-27, -9),
    "Haaglanden": (-22, -8),
    "Leiden": (-24,),
    "Rotterdam": (-40, -16, 4),
    "Amsterdam": (-15, -3),
    "Zaanstad": (-12,),
    "Eindhoven": (-30, -10),
    "Groningen": (-1,),
    "Zwolle": (-10,),
}
# Share of schools per sector that joins the certification trajectory there.
PARTICIPATION = {"vo": 0.8, "mbo": 0.7, "pro": 0.8, "vso": 0.7, "po": 0.4, "so": 0.4}

TOWNS = {
    "Eijsden-Margraten": ("Eijsden", "Margraten", "Cadier en Keer"),
    "Gulpen-Wittem": ("Gulpen", "Mechelen"),
    "Valkenburg aan de Geul": ("Valkenburg", "Berg en Terblijt"),
    "Leidschendam-Voorburg": ("Leidschendam", "Voorburg"),
    "Beekdaelen": ("Nuth", "Schinnen"),
    "Den Haag": ("'s-Gravenhage",),
    "Zaanstad": ("Zaandam",),
}
