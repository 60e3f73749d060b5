#!/usr/bin/env bash
# Copy the front-end libraries installed by `npm ci` into var/vendor, where Django's
# staticfiles finds them under static/vendor/. Nothing third-party is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=var/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons" "$dest/htmx" "$dest/chartjs"
# Each minified file with the source map it names: production's collectstatic
# (ManifestStaticFilesStorage) refuses a file that points at a missing one.
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp -r node_modules/bootstrap-icons/font/fonts "$dest/bootstrap-icons/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js{,.map} "$dest/chartjs/"
echo "front-end assets copied to $dest"
