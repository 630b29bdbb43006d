"""`loadwatch dashboard`: start the Streamlit dashboard, personal or club mode (issue #11), with
its upload limits, bind address and TLS warning (issue #21).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loadwatch import services
from loadwatch.cli._group import (
    cli,
    db_engine,
    errors_as_click,
    local_today,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine


DEFAULT_MAX_UPLOAD_MB = 200  # a multi-year Garmin or Strava export's activity files fit


UPLOAD_MB_CEILING = 10 * 1024  # 10 GB: past this, `loadwatch import` at the server


@cli.command()
@click.option(
    "--demo",
    "with_demo",
    is_flag=True,
    help="Open the demo squad, in its own database (loaded on first start); your own "
    "database (--db or the default) stays as it is, one click away.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (default 8501).",
)
@click.option(
    "--club",
    is_flag=True,
    default=None,
    help="Club mode: accounts and a login on every page, reachable from other machines "
    "(docs/club.md).",
)
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 is every "
    "interface: use it only with TLS, see docs/club.md).",
)
@click.option(
    "--behind-proxy",
    is_flag=True,
    default=None,
    help="Club mode behind a TLS reverse proxy on this machine (Caddy, nginx): client "
    "addresses come from its X-Forwarded-For header.",
)
@click.option(
    "--ssl-cert-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Serve HTTPS with this certificate (PEM) and --ssl-key-file.",
)
@click.option(
    "--ssl-key-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The private key (PEM) for --ssl-cert-file.",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, UPLOAD_MB_CEILING),
    default=None,
    help=f"Largest file one upload may hold, in MB (default {DEFAULT_MAX_UPLOAD_MB}).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="LOADWATCH_CONFIG",
    default=None,
    help="A TOML file with a [dashboard] table (club, host, port, max_upload_mb, "
    "idle_minutes, oidc); options given here win. Env LOADWATCH_CONFIG.",
)
@click.pass_context
@errors_as_click
def dashboard(
    ctx: click.Context,
    with_demo: bool,
    port: int | None,
    club: bool | None,
    host: str | None,
    behind_proxy: bool | None,
    ssl_cert_file: Path | None,
    ssl_key_file: Path | None,
    max_upload_mb: int | None,
    config_path: Path | None,
) -> None:
    """Start the Streamlit dashboard (personal mode: http://127.0.0.1:8501, no login).

    With --club: a login on every page and accounts with roles (`loadwatch user add`). It
    listens on 127.0.0.1: put a TLS reverse proxy in front (`--behind-proxy`), or give
    --ssl-cert-file/--ssl-key-file with --host 0.0.0.0 (docs/club.md).

    \b
    Example:
        loadwatch dashboard --demo
        loadwatch dashboard --club --behind-proxy --port 8502
    """
    options = _dashboard_options(
        config_path, club, host, port, max_upload_mb, behind_proxy, ssl_cert_file, ssl_key_file
    )
    if options.club and with_demo:
        raise click.ClickException("--demo is for personal mode; club mode serves your club's data")
    extra: dict[str, str] = {}
    if with_demo:
        root = ctx.find_root().obj
        own = services.open_database(root.get("db_url") or services.own_database_url())
        extra["LOADWATCH_OWN_DB_URL"] = own.url.render_as_string(hide_password=False)
        root["db_url"] = services.demo_database_url()
    engine = db_engine(ctx)
    if with_demo:
        if not services.list_athletes(engine):
            click.echo("Loading the demo squad (first start only)...")
        services.load_demo(engine, today=local_today())
        click.echo(f"Demo database: {services.database_path(engine)}")
    app = Path(__file__).resolve().parents[2] / "app.py"
    if options.club:  # app.py behind the club's guard (issue #21)
        app = Path(__file__).resolve().parents[1] / "ui" / "club_app.py"
    env = {
        **os.environ,
        **extra,
        "LOADWATCH_DB_URL": engine.url.render_as_string(hide_password=False),
    }
    if options.club:
        _check_club_ready(engine)
        env |= {"LOADWATCH_CLUB": "1", "LOADWATCH_IDLE_MINUTES": str(options.idle_minutes)}
        env["LOADWATCH_BEHIND_PROXY"] = "1" if options.behind_proxy else "0"
        if options.oidc:
            env["LOADWATCH_OIDC"] = "1"
    else:
        env.pop("LOADWATCH_CLUB", None)
    env["LOADWATCH_MAX_UPLOAD_MB"] = str(options.max_upload_mb)
    env["LOADWATCH_MAX_REQUEST_MB"] = str(2 * options.max_upload_mb)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        options.host,
        "--server.port",
        str(options.port),
        "--server.maxUploadSize",
        str(options.max_upload_mb),
        "--server.enableXsrfProtection",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    if options.ssl_cert_file and options.ssl_key_file:
        command += ["--server.sslCertFile", str(options.ssl_cert_file)]
        command += ["--server.sslKeyFile", str(options.ssl_key_file)]
    if options.club:
        # No reloading of changed source files in a service (a reload rebuilt modules).
        command += ["--server.fileWatcherType", "none", "--server.headless", "true"]
        _announce_club(options)
    else:
        click.echo(f"loadwatch dashboard: http://{options.host}:{options.port}")
    services.stop_pool_helpers()  # else they stay as zombies under Streamlit (issue #13)
    os.execvpe(command[0], command, env)  # noqa: S606 - replaces this process with Streamlit


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _announce_club(options: DashboardOptions) -> None:
    """Where the club dashboard listens, and a warning when passwords would cross a network in
    clear: a non-loopback address without TLS (issue #21)."""
    tls = bool(options.ssl_cert_file and options.ssl_key_file)
    if _is_loopback(options.host):
        where = "this machine only"
        if options.behind_proxy:
            where += ", behind your TLS reverse proxy"
        click.echo(
            f"loadwatch club dashboard: http://{options.host}:{options.port} ({where}; "
            "docs/club.md shows how phones reach it over HTTPS)"
        )
        return
    scheme = "https" if tls else "http"
    address = _lan_address() if options.host in ("0.0.0.0", "::") else options.host  # noqa: S104
    click.echo(
        f"loadwatch club dashboard on {options.host}:{options.port}; "
        f"from this network: {scheme}://{address}:{options.port}"
    )
    if not tls:
        click.echo(
            f"Warning: club mode on {options.host} without TLS: passwords and health data "
            "cross the network in clear. Use --ssl-cert-file/--ssl-key-file, or keep "
            "--host 127.0.0.1 behind a TLS reverse proxy (--behind-proxy; docs/club.md).",
            err=True,
        )


@dataclass(frozen=True)
class DashboardOptions:
    club: bool
    host: str
    port: int
    max_upload_mb: int
    idle_minutes: int
    oidc: bool = False
    behind_proxy: bool = False
    ssl_cert_file: Path | None = None
    ssl_key_file: Path | None = None


def _dashboard_options(
    config_path: Path | None,
    club: bool | None,
    host: str | None,
    port: int | None,
    max_upload_mb: int | None,
    behind_proxy: bool | None = None,
    ssl_cert_file: Path | None = None,
    ssl_key_file: Path | None = None,
) -> DashboardOptions:
    """The command line's options over the config file's [dashboard] table over defaults."""
    table: dict[str, object] = {}
    if config_path is not None:
        try:
            table = dict(
                tomllib.loads(config_path.read_text(encoding="utf-8")).get("dashboard", {})
            )
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise click.ClickException(
                f"cannot read the config file {config_path}: {exc}"
            ) from None
        unknown = set(table) - {
            "club",
            "host",
            "port",
            "max_upload_mb",
            "idle_minutes",
            "oidc",
            "behind_proxy",
            "ssl_cert_file",
            "ssl_key_file",
        }
        if unknown:
            raise click.ClickException(
                f"{config_path}: unknown [dashboard] keys: {', '.join(sorted(unknown))}"
            )

    def pick(given: object, key: str, default: object, kind: type) -> object:
        value = given if given is not None else table.get(key, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise click.ClickException(
                f"{config_path}: [dashboard] {key} must be a {kind.__name__}"
            )
        return value

    is_club = bool(pick(club, "club", False, bool))
    options = DashboardOptions(
        club=is_club,
        host=str(pick(host, "host", "127.0.0.1", str)),
        port=int(pick(port, "port", 8501, int)),  # type: ignore[call-overload]
        max_upload_mb=int(pick(max_upload_mb, "max_upload_mb", DEFAULT_MAX_UPLOAD_MB, int)),  # type: ignore[call-overload]
        idle_minutes=int(pick(None, "idle_minutes", 30, int)),  # type: ignore[call-overload]
        oidc=bool(pick(None, "oidc", False, bool)),
        behind_proxy=bool(pick(behind_proxy, "behind_proxy", False, bool)),
        ssl_cert_file=_path_option(ssl_cert_file, table.get("ssl_cert_file"), config_path),
        ssl_key_file=_path_option(ssl_key_file, table.get("ssl_key_file"), config_path),
    )
    if (options.ssl_cert_file is None) != (options.ssl_key_file is None):
        raise click.ClickException("give both --ssl-cert-file and --ssl-key-file, or neither")
    if not 1 <= options.port <= 65535 or not 1 <= options.max_upload_mb <= UPLOAD_MB_CEILING:
        raise click.ClickException(f"port must be 1-65535 and max_upload_mb 1-{UPLOAD_MB_CEILING}")
    if not 1 <= options.idle_minutes <= 24 * 60:
        raise click.ClickException("idle_minutes must be 1-1440")
    return options


def _path_option(given: Path | None, value: object, config_path: Path | None) -> Path | None:
    if given is not None or value is None:
        return given
    if not isinstance(value, str) or not Path(value).expanduser().is_file():
        raise click.ClickException(f"{config_path}: {value!r} is not a file")
    return Path(value).expanduser()


def _check_club_ready(engine: Engine) -> None:
    """Club mode with no admin would be a login form nobody can pass."""
    if not any(u.role.value == "admin" and not u.is_disabled for u in services.list_users(engine)):
        raise click.ClickException(
            "club mode needs an admin account first: "
            "loadwatch user add NAME --role admin --password-stdin"
        )


def _lan_address() -> str:
    """This machine's address on the local network (the one a default route uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for UDP connect
            return str(probe.getsockname()[0])
        except OSError:
            return socket.gethostname()
