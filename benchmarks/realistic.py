"""GPX and TCX shaped like Garmin Connect's downloads (indented, every point with time,
elevation, heart rate and cadence), for the parser benchmarks and the ten-year export (issue #26).

Our `loadwatch.synth` writers keep files small for tests; these write what a user's export
holds: a one-hour run is ~1.2 MB of GPX and ~2.5 MB of TCX.
"""

from __future__ import annotations

import io
from datetime import UTC, timedelta

from loadwatch.synth import Track


def _iso(track: Track, i: int) -> str:
    moment = track.started_at + timedelta(seconds=float(track.seconds[i]))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def garmin_gpx(track: Track, activity_type: str = "running") -> bytes:
    """A GPX 1.1 file as Garmin Connect writes it (TrackPointExtension v1: hr and cad)."""
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="Garmin Connect" version="1.1"\n'
        '  xsi:schemaLocation="http://www.topografix.com/GPX/1/1 '
        'http://www.topografix.com/GPX/11.xsd"\n'
        '  xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"\n'
        '  xmlns="http://www.topografix.com/GPX/1/1"\n'
        '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:ns2="http://www.garmin.com/xmlschemas/GpxExtensions/v3">\n'
        f"  <metadata>\n    <time>{_iso(track, 0)}</time>\n  </metadata>\n"
        f"  <trk>\n    <name>Morning Run</name>\n    <type>{activity_type}</type>\n"
        "    <trkseg>\n"
    )
    for i in range(len(track.seconds)):
        out.write(
            f'      <trkpt lat="{track.lat[i]:.14f}" lon="{track.lon[i]:.14f}">\n'
            f"        <ele>{track.elevation_m[i]:.15f}</ele>\n"
            f"        <time>{_iso(track, i)}</time>\n"
            "        <extensions>\n          <ns3:TrackPointExtension>\n"
            f"            <ns3:hr>{int(track.heart_rate_bpm[i])}</ns3:hr>\n"
            f"            <ns3:cad>{int(track.cadence_spm[i] / 2)}</ns3:cad>\n"
            "          </ns3:TrackPointExtension>\n        </extensions>\n      </trkpt>\n"
        )
    out.write("    </trkseg>\n  </trk>\n</gpx>\n")
    return out.getvalue().encode()


def garmin_tcx(track: Track, sport: str = "Running") -> bytes:
    """A TCX file as Garmin Connect writes it (one lap, ActivityExtension v2 speed and cadence)."""
    out = io.StringIO()
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n\n<TrainingCenterDatabase\n'
        '  xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 '
        'http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"\n'
        '  xmlns:ns5="http://www.garmin.com/xmlschemas/ActivityGoals/v1"\n'
        '  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"\n'
        '  xmlns:ns2="http://www.garmin.com/xmlschemas/UserProfile/v2"\n'
        '  xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"\n'
        '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f'  <Activities>\n    <Activity Sport="{sport}">\n      <Id>{_iso(track, 0)}</Id>\n'
        f'      <Lap StartTime="{_iso(track, 0)}">\n'
        f"        <TotalTimeSeconds>{track.duration_s:.1f}</TotalTimeSeconds>\n"
        f"        <DistanceMeters>{track.total_distance_m:.2f}</DistanceMeters>\n"
        "        <Calories>700</Calories>\n"
        f"        <AverageHeartRateBpm>\n          <Value>{int(track.heart_rate_bpm.mean())}"
        "</Value>\n        </AverageHeartRateBpm>\n"
        "        <Intensity>Active</Intensity>\n        <TriggerMethod>Manual</TriggerMethod>\n"
        "        <Track>\n"
    )
    for i in range(len(track.seconds)):
        out.write(
            "          <Trackpoint>\n"
            f"            <Time>{_iso(track, i)}</Time>\n"
            "            <Position>\n"
            f"              <LatitudeDegrees>{track.lat[i]:.14f}</LatitudeDegrees>\n"
            f"              <LongitudeDegrees>{track.lon[i]:.14f}</LongitudeDegrees>\n"
            "            </Position>\n"
            f"            <AltitudeMeters>{track.elevation_m[i]:.15f}</AltitudeMeters>\n"
            f"            <DistanceMeters>{track.distance_m[i]:.14f}</DistanceMeters>\n"
            "            <HeartRateBpm>\n"
            f"              <Value>{int(track.heart_rate_bpm[i])}</Value>\n"
            "            </HeartRateBpm>\n"
            "            <Extensions>\n              <ns3:TPX>\n"
            f"                <ns3:Speed>{2.78:.15f}</ns3:Speed>\n"
            f"                <ns3:RunCadence>{int(track.cadence_spm[i] / 2)}</ns3:RunCadence>\n"
            "              </ns3:TPX>\n            </Extensions>\n"
            "          </Trackpoint>\n"
        )
    out.write(
        "        </Track>\n        <Extensions>\n          <ns3:LX>\n"
        f"            <ns3:AvgSpeed>2.78</ns3:AvgSpeed>\n"
        f"            <ns3:AvgRunCadence>{int(track.cadence_spm.mean() / 2)}</ns3:AvgRunCadence>\n"
        "          </ns3:LX>\n        </Extensions>\n      </Lap>\n"
        "      <Creator>\n        <Name>Forerunner 945</Name>\n      </Creator>\n"
        "    </Activity>\n  </Activities>\n</TrainingCenterDatabase>\n"
    )
    return out.getvalue().encode()
