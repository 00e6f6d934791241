#!/usr/bin/env bash
# Runs the GPU benchmarks on an H100/H200 machine that has the NVIDIA driver, Python and PyTorch, but no .NET.
# It unpacks the runtime and benchmark that pack.sh built, runs Modal.GpuBench (one JSON line per case), measures the
# baselines with PyTorch (fp32 matmul with TF32 off, and device-to-device copy bandwidth), and prints a summary line
# with the ratios against the goals. Arguments are passed to Modal.GpuBench (e.g. --iterations 20).
#
# Environment:
#   MODAL_GPU_BENCH_DIR=dir          where the tarballs are (default: next to this script, else ./out beside it)
#   MODAL_GPU_BENCH_SKIP_TORCH=1     skip the PyTorch baselines (to check the script on a machine without torch)
#   MODAL_GPU_BENCH_ALLOW_CPU=1      let Modal.GpuBench use the CPU accelerator (with tiny sizes; for checking only)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
    echo "run.sh: $*" >&2
    exit 1
}

if [[ -n "${MODAL_GPU_BENCH_DIR:-}" ]]; then
    packed="$MODAL_GPU_BENCH_DIR"
elif [[ -f "$here/dotnet-runtime.tar.xz" ]]; then
    packed="$here"
else
    packed="$here/out"
fi

runtime_tar="$packed/dotnet-runtime.tar.xz"
bench_tar="$packed/modal-gpubench.tar.gz"
[[ -f "$runtime_tar" ]] || fail "missing $runtime_tar. Run bench/gpu/pack.sh on a machine with the .NET SDK and bring its out/ folder here."
[[ -f "$bench_tar" ]] || fail "missing $bench_tar. Run bench/gpu/pack.sh on a machine with the .NET SDK and bring its out/ folder here."
command -v tar >/dev/null || fail "tar is missing."
command -v xz >/dev/null || fail "xz is missing; it unpacks the .NET runtime (apt-get install xz-utils)."
command -v python3 >/dev/null || fail "python3 is missing; it runs the PyTorch baselines and the summary."

for script in torch_baseline.py summary.py; do
    [[ -f "$here/$script" ]] || fail "missing $here/$script; keep it next to run.sh."
done

if [[ "${MODAL_GPU_BENCH_ALLOW_CPU:-}" != 1 ]]; then
    command -v nvidia-smi >/dev/null || fail "nvidia-smi is not on PATH: this benchmark needs an NVIDIA GPU and its driver."
    nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader >&2 ||
        fail "nvidia-smi cannot talk to the driver; check the GPU and driver installation."
fi

skip_torch="${MODAL_GPU_BENCH_SKIP_TORCH:-}"
if [[ "$skip_torch" != 1 ]]; then
    python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null ||
        fail "PyTorch with CUDA is not available to python3 (import torch; torch.cuda.is_available()); install it, or set MODAL_GPU_BENCH_SKIP_TORCH=1 to skip the baselines."
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/modal-gpubench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dotnet" "$work/bench"
tar -C "$work/dotnet" -xJf "$runtime_tar"
tar -C "$work/bench" -xzf "$bench_tar"
[[ -x "$work/dotnet/dotnet" ]] || fail "$runtime_tar has no dotnet host; rebuild it with pack.sh."
[[ -f "$work/bench/Modal.GpuBench.dll" ]] || fail "$bench_tar has no Modal.GpuBench.dll; rebuild it with pack.sh."

export DOTNET_ROOT="$work/dotnet"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

bench_args=("$@")
if [[ "${MODAL_GPU_BENCH_ALLOW_CPU:-}" == 1 ]]; then
    bench_args+=(--allow-cpu)
fi

results="$work/results.jsonl"
echo "run.sh: running Modal.GpuBench ${bench_args[*]:-}" >&2
"$work/dotnet/dotnet" "$work/bench/Modal.GpuBench.dll" "${bench_args[@]}" | tee "$results" ||
    fail "Modal.GpuBench failed (exit ${PIPESTATUS[0]}); its error is above."

if [[ "$skip_torch" != 1 ]]; then
    echo "run.sh: running the PyTorch baselines" >&2
    python3 "$here/torch_baseline.py" "$results" | tee -a "$results.torch" ||
        fail "the PyTorch baselines failed; their error is above."
    cat "$results.torch" >>"$results"
fi

python3 "$here/summary.py" "$results"
