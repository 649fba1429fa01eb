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
    result = json.load(f)
ratios, targets = result["ratios"], result.get("targets", {})
names, values = list(ratios), list(ratios.values())
# Green: meets its target; red: misses it; grey: a figure with no target.
colors = ["#888" if n not in targets else "#2a7" if v >= targets[n] else "#c44"
          for n, v in zip(names, values)]
fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.2))
bars = ax.barh(names, values, color=colors)
ax.axvline(1.0, color="black", linewidth=0.8)
for i, n in enumerate(names):
    if n in targets:  # the target as a tick across its bar
        ax.plot([targets[n]] * 2, [i - 0.4, i + 0.4], color="black", linewidth=2)
ax.bar_label(bars, fmt="%.2fx")
ax.invert_yaxis()
ax.set_xlabel("baseline time / atfs time (higher is better)")
ax.set_title("atfs vs hand-made pipelines, same run (tick: the issue's target)")
fig.tight_layout()
png = path.rsplit(".", 1)[0] + ".png"
fig.savefig(png, dpi=100)
print(f"chart: {png}")
