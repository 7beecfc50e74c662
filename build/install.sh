#!/usr/bin/env bash
# Puts `lion` on the PATH: publishes the command line (Release) into PREFIX/share/lion and links
# PREFIX/bin/lion to it. PREFIX defaults to ~/.local. Run it again to update; nothing else is touched.
# Needs the .NET 10 SDK, as building does.
set -euo pipefail
prefix="${1:-${PREFIX:-$HOME/.local}}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$prefix/share/lion"
mkdir -p "$target" "$prefix/bin"
dotnet publish "$here/src/Lion.Cli" -c Release -o "$target" --nologo -v quiet
ln -sfn "$target/lion" "$prefix/bin/lion"
echo "Installed: $prefix/bin/lion -> $target/lion"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "Add $prefix/bin to your PATH (e.g. in ~/.bashrc: export PATH=\"$prefix/bin:\$PATH\") to run \`lion\` from anywhere." ;;
esac
