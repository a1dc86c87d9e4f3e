#!/bin/sh
# macOS: double-click in Finder (the page of annex-tools serve for the masters in this folder).
cd "$(dirname "$0")" && exec sh ./打开页面.sh
