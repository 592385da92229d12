# Fixed: an argument list, no shell, and "--" so a branch cannot look like an option.
import subprocess
import sys

branch = sys.argv[1]
subprocess.run(["git", "checkout", "--", branch], check=True)
