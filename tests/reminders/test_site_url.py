"""E-mail links point at the server that runs: `make run` sets SITE_URL from its HOST and PORT (a SITE_URL in
.env or given to make wins)."""

import shutil
import subprocess

from django.conf import settings

from ..conftest import require_service


def _honcho_line(*args) -> str:
    require_service(shutil.which("make") is not None, "make")
    done = subprocess.run(
        ["make", "-n", "run", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return next(line for line in done.stdout.splitlines() if "honcho" in line)


def test_make_run_on_another_port_links_emails_to_that_port(tmp_path):
    line = _honcho_line("HOST=192.168.1.20", "PORT=8010", f"ENV_FILE={tmp_path / 'none.env'}")

    assert "SITE_URL=http://192.168.1.20:8010 " in line


def test_a_site_url_written_in_the_env_file_wins_over_host_and_port(tmp_path):
    env_file = tmp_path / "site.env"
    env_file.write_text("DEBUG=true\nSITE_URL=https://chibo.example.org\n")

    line = _honcho_line("PORT=8010", f"ENV_FILE={env_file}")

    assert "SITE_URL=https://chibo.example.org " in line
