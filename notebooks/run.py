"""Execute the analyst notebook headlessly against a running Dossier and fail if any cell fails.

Usage: python notebooks/run.py [--notebook PATH] [--timeout SECONDS] [--out DIR]

The kernel is this interpreter (the venv's python3 with ipykernel), whatever kernels the
user has installed elsewhere. The notebook reads DOSSIER_URL (default http://127.0.0.1:8080).
The executed notebook and the files it writes go to --out, by default a new temporary
directory, never next to the committed notebook, which stays without outputs.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

HERE = Path(__file__).resolve().parent


def pin_kernel(workdir: Path) -> None:
    """Make the "python3" kernel this interpreter: a kernelspec on JUPYTER_PATH comes before
    the user's and the system's."""
    spec = workdir / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Dossier venv)",
        "language": "python",
    }))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(spec.parent.parent), os.environ.get("JUPYTER_PATH")]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, default=HERE / "analyst-quickstart.ipynb")
    parser.add_argument("--timeout", type=int, default=180, help="seconds each cell may take")
    parser.add_argument("--out", type=Path, help="directory for the executed notebook and its files")
    args = parser.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="dossier-notebook-run-"))
    out.mkdir(parents=True, exist_ok=True)
    pin_kernel(Path(tempfile.mkdtemp(prefix="dossier-kernel-")))
    os.environ["DOSSIER_NOTEBOOK_OUT"] = str(out)  # the kernel inherits the environment

    nb = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": str(out)}})
    executed = out / args.notebook.name
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as err:
        print(f"notebook {args.notebook.name} failed:\n{err}", file=sys.stderr)
        return 1
    finally:
        nbformat.write(nb, executed)
        print(f"executed notebook: {executed}", file=sys.stderr)
    print(f"notebook {args.notebook.name}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
