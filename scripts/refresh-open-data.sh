#!/bin/sh
# Refreshes the FinOps toolkit's open data files that the FOCUS export embeds
# (Sources/Query/OpenData: Services, PricingUnits, Regions, ResourceTypes; MIT, Microsoft) from a
# newer copy of https://github.com/microsoft/finops-toolkit, and records the commit they came from.
#
#   scripts/refresh-open-data.sh PATH [REV]
#
# PATH is a clone (or a bare git directory) of the toolkit; REV defaults to HEAD. The next build
# embeds the new files (the EmbedOpenData plugin); run `swift test --filter FocusMapping` after: the
# EA sample's expected values are written out by hand and may need a look when Microsoft remaps.
set -eu
repo=${1:?usage: scripts/refresh-open-data.sh PATH-TO-FINOPS-TOOLKIT [REV]}
rev=${2:-HEAD}
dest=$(dirname "$0")/../Sources/Query/OpenData
commit=$(git -C "$repo" rev-parse "$rev^{commit}")
for name in Services PricingUnits Regions ResourceTypes; do
    git -C "$repo" show "$commit:src/open-data/$name.csv" > "$dest/$name.csv.new"
    head -1 "$dest/$name.csv.new" | grep -q , || { echo "refresh-open-data: $name.csv has no header" >&2; exit 1; }
    mv "$dest/$name.csv.new" "$dest/$name.csv"
done
git -C "$repo" show "$commit:LICENSE" > "$dest/LICENSE"
cat > "$dest/SOURCE" <<END
Microsoft FinOps toolkit open data (MIT License, see LICENSE in this directory)
repository: https://github.com/microsoft/finops-toolkit
commit: $commit ($(git -C "$repo" log -1 --format=%cs "$commit"))
files: src/open-data/Services.csv, PricingUnits.csv, Regions.csv, ResourceTypes.csv
refreshed with: scripts/refresh-open-data.sh
END
echo "open data refreshed from $commit"
