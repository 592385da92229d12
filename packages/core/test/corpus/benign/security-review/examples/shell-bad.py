# Vulnerable: the branch name comes from the user and reaches a shell.
import subprocess
import sys

branch = sys.argv[1]
subprocess.run(f"git checkout {branch}", shell=True, check=True)
