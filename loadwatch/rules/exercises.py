"""The exercise library (issue #22, RULES.md R9): one registry that the pages, the CLI, the docs
and the tests read, like the thresholds. Pure values, no I/O.

Each exercise has a stable slug, the area it trains, how it is measured (reps, or a hold in
seconds), a default dose (sets and a range), an easier and a harder variant (slugs in this
registry) and its source: citation keys in `rules/citations.py`, or "loadwatch default". The
named exercises, the 3 sets of 8-10 (to 15) reps and the self-test come from the seeds (the
runner's-knee articles this product grew from); hip and knee exercise together is the core
treatment in the consensus statements (Crossley 2016, Collins 2018; Barton 2015). Stretches are
listed as optional, with weak evidence.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from loadwatch.errors import InputError


class Area(StrEnum):
    HIP = "hip"
    KNEE = "knee"
    CALF = "calf"
    BALANCE = "balance"


class Measure(StrEnum):
    REPS = "reps"
    HOLD_S = "hold_s"


# The seeds' dose for hip and knee work: 3 sets of 8-10, up to 15 reps. Holds: 20-60 s
# (loadwatch default). The starting target sits inside the range.
SEEDS_SETS = 3
REPS_RANGE = (8, 15)
REPS_START = 10
HOLD_RANGE_S = (20, 60)
HOLD_START_S = 30
CORE = ("crossley2016", "collins2018", "barton2015")  # hip and knee together: the core treatment
SEEDS = "the seeds (runner's-knee articles): named exercise, 3 sets of 8-10 (to 15) reps"
BALANCE_SOURCE = "the seeds (runner's-knee articles): balance work; dose: loadwatch default"
STRETCH_SOURCE = "optional, weak evidence: the seeds list stretches; dose: loadwatch default"


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise: `low`-`high` is the range of reps (or seconds held) per set, `start` the
    first target, `sets` the default number of sets; `loadable` says whether load (kg or a band)
    is the next step at the top of the range."""

    slug: str
    name: str
    area: Area
    measure: Measure
    how: str
    sets: int
    low: int
    high: int
    start: int
    easier: str | None
    harder: str | None
    citations: tuple[str, ...]
    source: str
    loadable: bool = False
    is_optional: bool = False  # stretches: optional, weak evidence

    @property
    def unit(self) -> str:
        return "reps" if self.measure is Measure.REPS else "s"

    @property
    def dose(self) -> str:
        """The default dose in words: "3 x 10 reps (range 8-15)"."""
        return f"{self.sets} x {self.start} {self.unit} (range {self.low}-{self.high})"


def _reps(
    slug: str,
    name: str,
    area: Area,
    how: str,
    easier: str | None,
    harder: str | None,
    *,
    loadable: bool = False,
    citations: tuple[str, ...] = CORE,
    source: str = SEEDS,
) -> Exercise:
    low, high = REPS_RANGE
    return Exercise(
        slug,
        name,
        area,
        Measure.REPS,
        how,
        SEEDS_SETS,
        low,
        high,
        REPS_START,
        easier,
        harder,
        citations,
        source,
        loadable,
    )


def _hold(
    slug: str,
    name: str,
    area: Area,
    how: str,
    easier: str | None,
    harder: str | None,
    *,
    citations: tuple[str, ...] = (),
    source: str = BALANCE_SOURCE,
    is_optional: bool = False,
) -> Exercise:
    low, high = HOLD_RANGE_S
    return Exercise(
        slug,
        name,
        area,
        Measure.HOLD_S,
        how,
        SEEDS_SETS,
        low,
        high,
        HOLD_START_S,
        easier,
        harder,
        citations,
        source,
        is_optional=is_optional,
    )


EXERCISES: tuple[Exercise, ...] = (
    # Hip
    _reps(
        "clamshell",
        "Clamshell",
        Area.HIP,
        "lying on your side, knees bent, open the top knee like a shell, feet together",
        None,
        "side-lying-leg-raise",
        loadable=True,
    ),
    _reps(
        "side-lying-leg-raise",
        "Side-lying leg raise",
        Area.HIP,
        "lying on your side, lift the straight top leg a little behind the body",
        "clamshell",
        "side-plank",
        loadable=True,
    ),
    _hold(
        "side-plank",
        "Side plank",
        Area.HIP,
        "on your forearm and the side of the lower knee or foot, hips lifted in a straight line",
        "side-lying-leg-raise",
        None,
        citations=CORE,
        source="hip strengthening (consensus statements); hold dose: loadwatch default",
    ),
    _reps(
        "bridge",
        "Bridge",
        Area.HIP,
        "on your back, knees bent, lift the hips until knees, hips and shoulders line up",
        None,
        "single-leg-bridge",
        loadable=True,
    ),
    _reps(
        "single-leg-bridge",
        "Single-leg bridge",
        Area.HIP,
        "a bridge on one foot, the other leg straight",
        "bridge",
        "hip-thrust",
    ),
    _reps(
        "hip-thrust",
        "Hip thrust",
        Area.HIP,
        "shoulders on a bench, drive the hips up, with a weight on the hips when it is easy",
        "single-leg-bridge",
        None,
        loadable=True,
    ),
    _reps(
        "donkey-kick",
        "Donkey kick",
        Area.HIP,
        "on hands and knees, push one bent leg up behind you, the back flat",
        None,
        "fire-hydrant",
        loadable=True,
    ),
    _reps(
        "fire-hydrant",
        "Fire hydrant",
        Area.HIP,
        "on hands and knees, lift one bent leg out to the side",
        "donkey-kick",
        None,
        loadable=True,
    ),
    # Knee
    _reps(
        "quad-set",
        "Quadriceps setting",
        Area.KNEE,
        "sitting, leg straight, tighten the thigh to press the knee down; hold each 5 s",
        None,
        "straight-leg-raise",
    ),
    _reps(
        "straight-leg-raise",
        "Straight-leg raise",
        Area.KNEE,
        "on your back, tighten the thigh and lift the straight leg to the height of the other knee",
        "quad-set",
        "sit-to-stand",
        loadable=True,
    ),
    _reps(
        "sit-to-stand",
        "Sit to stand",
        Area.KNEE,
        "stand up from a chair and sit down slowly, without the hands",
        "straight-leg-raise",
        "squat",
        source="an easier squat for a painful knee; dose as the seeds' (loadwatch default)",
    ),
    _reps(
        "squat",
        "Squat",
        Area.KNEE,
        "feet hip-width, sit back and down as far as is comfortable, knees over the feet",
        "sit-to-stand",
        "single-leg-squat",
        loadable=True,
    ),
    _reps(
        "step-up",
        "Step-up",
        Area.KNEE,
        "step up onto a step or box with one leg and down slowly, the knee over the foot",
        "squat",
        "lunge",
        loadable=True,
    ),
    _reps(
        "lunge",
        "Lunge",
        Area.KNEE,
        "a long step forward, lower the back knee towards the floor, push back up",
        "step-up",
        "single-leg-squat",
        loadable=True,
    ),
    _reps(
        "single-leg-squat",
        "Single-leg squat",
        Area.KNEE,
        "on one leg, squat half way down, the knee over the foot (the self-test's movement)",
        "lunge",
        None,
        loadable=True,
    ),
    _hold(
        "wall-sit",
        "Wall sit",
        Area.KNEE,
        "back against a wall, slide down to a comfortable knee angle and hold",
        None,
        None,
        citations=CORE,
        source="quadriceps work (consensus statements); hold dose: loadwatch default",
    ),
    # Calf
    _reps(
        "calf-raise",
        "Calf raise (straight knee)",
        Area.CALF,
        "standing, rise onto the toes with straight knees and lower slowly",
        None,
        "single-leg-calf-raise",
        loadable=True,
        citations=(),
        source=SEEDS,
    ),
    _reps(
        "bent-knee-calf-raise",
        "Calf raise (bent knee)",
        Area.CALF,
        "standing with the knees slightly bent, rise onto the toes and lower slowly",
        None,
        "single-leg-calf-raise",
        loadable=True,
        citations=(),
        source=SEEDS,
    ),
    _reps(
        "single-leg-calf-raise",
        "Single-leg calf raise",
        Area.CALF,
        "a calf raise on one leg, a hand on the wall for balance",
        "calf-raise",
        None,
        loadable=True,
        citations=(),
        source=SEEDS,
    ),
    # Balance
    _hold(
        "single-leg-stand",
        "Single-leg stand",
        Area.BALANCE,
        "stand on one leg, the knee soft and over the foot",
        None,
        "single-leg-stand-eyes-closed",
    ),
    _hold(
        "single-leg-stand-eyes-closed",
        "Single-leg stand, eyes closed",
        Area.BALANCE,
        "stand on one leg with the eyes closed, near a wall",
        "single-leg-stand",
        None,
    ),
    # Stretches: optional, weak evidence
    _hold(
        "quad-stretch",
        "Quadriceps stretch",
        Area.KNEE,
        "standing, hold the ankle behind you, knees together",
        None,
        None,
        source=STRETCH_SOURCE,
        is_optional=True,
    ),
    _hold(
        "hip-flexor-stretch",
        "Hip flexor stretch",
        Area.HIP,
        "half-kneeling, tuck the pelvis and lean forward gently",
        None,
        None,
        source=STRETCH_SOURCE,
        is_optional=True,
    ),
    _hold(
        "calf-stretch",
        "Calf stretch",
        Area.CALF,
        "hands on a wall, back leg straight, heel down",
        None,
        None,
        source=STRETCH_SOURCE,
        is_optional=True,
    ),
)

BY_SLUG: dict[str, Exercise] = {e.slug: e for e in EXERCISES}
SLUGS: tuple[str, ...] = tuple(BY_SLUG)

# The default runner's-knee programme: hip and knee together, 4 exercises (Esculier 2018's dose:
# 3-4 exercises; Crossley 2016 and Collins 2018: hip and knee exercise combined).
DEFAULT_PROGRAMME: tuple[str, ...] = ("clamshell", "bridge", "squat", "step-up")
PROGRAMME_CITATIONS = ("crossley2016", "collins2018", "esculier2018")
MAX_PROGRAMME_EXERCISES = 8


def exercise(slug: str) -> Exercise:
    """The exercise with this slug.

    Raises:
        InputError: an unknown slug; the message names the closest slugs.
    """
    found = BY_SLUG.get(slug.strip().lower()) if isinstance(slug, str) else None
    if found is None:
        close = difflib.get_close_matches(str(slug).strip().lower(), SLUGS, n=3, cutoff=0.4)
        hint = (
            f"did you mean {', '.join(close)}?"
            if close
            else "`loadwatch strength exercises` lists them"
        )
        raise InputError(f"unknown exercise {slug!r}; {hint}")
    return found
