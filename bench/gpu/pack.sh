#!/usr/bin/env bash
# Builds, on a machine with the .NET SDK, everything bench/gpu/run.sh needs on a GPU machine that has no .NET:
#   out/dotnet-runtime.tar.xz   the .NET runtime (dotnet host, host/fxr, shared/Microsoft.NETCore.App), ~26 MB
#   out/modal-gpubench.tar.gz   the published benchmark (framework-dependent)
#   out/run.sh, out/*.py        the scripts, so out/ works on its own when copied elsewhere
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
project="$here/Modal.GpuBench/Modal.GpuBench.csproj"

fail() {
    echo "pack.sh: $*" >&2
    exit 1
}

command -v dotnet >/dev/null || fail "the .NET SDK (dotnet) is not on PATH; install it or run this where it is."
command -v tar >/dev/null || fail "tar is missing."
command -v xz >/dev/null || fail "xz is missing (apt-get install xz-utils)."

dotnet_root="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
[[ -x "$dotnet_root/dotnet" && -d "$dotnet_root/host/fxr" ]] ||
    fail "$dotnet_root does not look like a .NET installation (no dotnet or host/fxr); set DOTNET_ROOT."

# The runtime the benchmark targets (net10.0): the newest 10.x installed.
runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')"
[[ -n "$runtime_version" ]] || fail "no Microsoft.NETCore.App 10.x runtime is installed; the benchmark targets net10.0."
[[ -d "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" ]] ||
    fail "Microsoft.NETCore.App $runtime_version is not under $dotnet_root/shared; set DOTNET_ROOT to the installation dotnet uses."

rm -rf "$out"
mkdir -p "$out"

echo "pack.sh: publishing the benchmark (Release)" >&2
dotnet publish "$project" -c Release -o "$out/publish" --nologo -v quiet
[[ -f "$out/publish/Modal.GpuBench.dll" ]] || fail "dotnet publish did not produce Modal.GpuBench.dll."

echo "pack.sh: packing .NET runtime $runtime_version from $dotnet_root" >&2
extras=()
for file in LICENSE.txt ThirdPartyNotices.txt; do
    [[ -f "$dotnet_root/$file" ]] && extras+=("$file")
done
tar -C "$dotnet_root" -cf - dotnet host "shared/Microsoft.NETCore.App/$runtime_version" "${extras[@]}" |
    xz -T0 -9 >"$out/dotnet-runtime.tar.xz"
tar -C "$out/publish" -czf "$out/modal-gpubench.tar.gz" .
rm -rf "$out/publish"

cp "$here/run.sh" "$here/torch_baseline.py" "$here/summary.py" "$out/"
chmod +x "$out/run.sh"

echo "pack.sh: done" >&2
(cd "$out" && ls -l && sha256sum dotnet-runtime.tar.xz modal-gpubench.tar.gz) >&2
