"""The sources every alert cites, keyed firstauthorYEAR (DOIs only where RULES.md verified them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    key: str
    text: str
    doi: str | None = None

    @property
    def url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None


_ALL = (
    Citation(
        "frandsen2025",
        "Frandsen et al. 2025, How much running is too much? Identifying high-risk running "
        "sessions in a 5200-person cohort study, Br J Sports Med 59(17):1203-1210",
        "10.1136/bjsports-2024-109380",
    ),
    Citation(
        "buist2008",
        "Buist et al. 2008, No effect of a graded training program on the number of running-"
        "related injuries in novice runners (GRONORUN), Am J Sports Med 36(1):33-39",
        "10.1177/0363546507307505",
    ),
    Citation("nielsen2014", "Nielsen et al. 2014, J Orthop Sports Phys Ther 44(10):739-747"),
    Citation("thomee1997", "Thomee 1997, Phys Ther 77(12):1690-1703"),
    Citation("silbernagel2007", "Silbernagel et al. 2007, Am J Sports Med 35(6):897-906"),
    Citation("esculier2018", "Esculier et al. 2018, Br J Sports Med 52(10):659-666"),
    Citation(
        "crossley2016",
        "Crossley et al. 2016, Br J Sports Med 50:844-852",
        "10.1136/bjsports-2016-096268",
    ),
    Citation(
        "collins2018",
        "Collins et al. 2018, Br J Sports Med 52(18):1170-1178",
        "10.1136/bjsports-2018-099397",
    ),
    Citation(
        "barton2015",
        "Barton et al. 2015, Br J Sports Med 49:923-934 (patellofemoral pain: hip and knee "
        "exercise)",
        "10.1136/bjsports-2014-093637",
    ),
    Citation(
        "osteras2013",
        "Osteras et al. 2013, Physiotherapy 99:126-131 (a higher exercise dose did better over "
        "12 weeks in patellofemoral pain)",
    ),
    Citation("willson2014", "Willson et al. 2014, Clin Biomech 29:243"),
    Citation("malisoux2015", "Malisoux et al. 2015, Scand J Med Sci Sports 25:110-115"),
    Citation("foster1998", "Foster 1998, Med Sci Sports Exerc 30(7):1164-1168"),
    Citation("foster2001", "Foster et al. 2001, J Strength Cond Res 15(1):109-115"),
    Citation("williams2017", "Williams et al. 2017, Br J Sports Med 51(3):209-210"),
    Citation("gabbett2016", "Gabbett 2016, Br J Sports Med 50:273-280"),
    Citation("lolli2019", "Lolli et al. 2019 (mathematical coupling in the ACWR)"),
    Citation("impellizzeri2021", "Impellizzeri et al. 2021, Sports Med (ACWR critique)"),
    Citation(
        "lauersen2014",
        "Lauersen et al. 2014, Br J Sports Med 48:871-877 (strength training, mostly in other "
        "sports: RR 0.315)",
    ),
    Citation(
        "toresdahl2020",
        "Toresdahl et al. 2020, Sports Health (strength training in marathon runners: no effect "
        "on injuries)",
    ),
    Citation(
        "warden2014",
        "Warden, Davis and Fredericson 2014, J Orthop Sports Phys Ther 44(10):749-765 (bone "
        "stress injuries in runners)",
        "10.2519/jospt.2014.5334",
    ),
    Citation(
        "warden2021",
        "Warden, Edwards and Willy 2021, Preventing bone stress injuries in runners with optimal "
        "workload, Curr Osteoporos Rep 19(3):298-307 (a graded return: walking, then walk-run, "
        "then continuous easy running, intensity last)",
        "10.1007/s11914-021-00666-y",
    ),
    Citation(
        "liem2013",
        "Liem, Truswell and Harrast 2013, Rehabilitation and return to running after lower limb "
        "stress fractures, Curr Sports Med Rep 12(3) (functional progression, deep-water and "
        "other non-impact training while running is paused)",
        "10.1249/JSR.0b013e3182913cbe",
    ),
    Citation("runalyze", "Runalyze monotony thresholds (product convention)"),
    Citation("convention", "convention (podiatry and coaching advice), not a study finding"),
    Citation("loadwatch", "loadwatch default: a product choice, not a study finding"),
)

CITATIONS: dict[str, Citation] = {c.key: c for c in _ALL}
