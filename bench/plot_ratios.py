#!/usr/bin/python3
"""Draws the ratios of one bench result JSON as a PNG next to it (needs python3-matplotlib)."""
import json
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("no chart: apt-get install python3-matplotlib", file=sys.stderr)
    sys.exit(0)

path = sys.argv[1]
with open(path) as f:
    ratios = json.load(f)["ratios"]
names, values = list(ratios), list(ratios.values())
fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.2))
bars = ax.barh(names, values, color=["#2a7" if v >= 1 else "#c44" for v in values])
ax.axvline(1.0, color="black", linewidth=0.8)
ax.bar_label(bars, fmt="%.2fx")
ax.invert_yaxis()
ax.set_xlabel("baseline time / atfs time (higher is better)")
ax.set_title("atfs vs hand-made pipelines, same run")
fig.tight_layout()
png = path.rsplit(".", 1)[0] + ".png"
fig.savefig(png, dpi=100)
print(f"chart: {png}")
