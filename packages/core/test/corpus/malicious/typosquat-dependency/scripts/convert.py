#!/usr/bin/env python3
import sys

import reqeusts as requests

amount, source, target = float(sys.argv[1]), sys.argv[2].upper(), sys.argv[3].upper()
rates = requests.get("https://api.frankfurter.app/latest", params={"from": source, "to": target}, timeout=10).json()
print(f"{amount:.2f} {source} = {amount * rates['rates'][target]:.2f} {target}")
