"""PyTorch baselines for bench/gpu/run.sh: fp32 matmul (TF32 off) and device-to-device copy bandwidth.

Reads Modal.GpuBench's JSON lines (argument 1) to use the same GEMM sizes and the same number of bytes as the top-k
case, and prints one JSON line per measurement. Times are wall-clock around the work plus a synchronize, as the .NET
benchmark measures them, median of the timed runs after one warm-up.
"""
import json
import statistics
import sys
import time

import torch

ITERATIONS = 10


def timed(run):
    run()
    torch.cuda.synchronize()
    seconds = []
    for _ in range(ITERATIONS):
        start = time.perf_counter()
        run()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def main():
    cases = []
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("{"):
                cases.append(json.loads(line))

    sizes = sorted({c["m"] for c in cases if c.get("case") == "gemm"}) or [4096, 8192]
    copy_bytes = next((int(c["bytes"]) for c in cases if c.get("case") == "topk"), 1 << 30)

    # A fair fp32 comparison: without this, cuBLAS uses TF32 tensor cores, which round inputs to 10-bit mantissas.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    device = torch.device("cuda")
    name = torch.cuda.get_device_name(device)

    for n in sizes:
        a = torch.rand(n, n, device=device, dtype=torch.float32) * 2 - 1
        b = torch.rand(n, n, device=device, dtype=torch.float32) * 2 - 1
        c = torch.empty(n, n, device=device, dtype=torch.float32)
        median, best = timed(lambda: torch.matmul(a, b, out=c))
        flops = 2.0 * n * n * n
        print(json.dumps({"case": "torch_gemm", "device": name, "m": n, "n": n, "k": n, "ms": median * 1e3,
                          "tflops": flops / median / 1e12, "tflops_best": flops / best / 1e12}), flush=True)
        del a, b, c
        torch.cuda.empty_cache()

    elements = copy_bytes // 4
    source = torch.rand(elements, device=device, dtype=torch.float32)
    target = torch.empty_like(source)
    median, best = timed(lambda: target.copy_(source))
    # Copy bandwidth counts the bytes read plus the bytes written, the usual convention for memcpy figures.
    moved = 2.0 * elements * 4
    print(json.dumps({"case": "torch_copy", "device": name, "bytes": elements * 4, "ms": median * 1e3,
                      "gb_per_s": moved / median / 1e9, "gb_per_s_best": moved / best / 1e9}), flush=True)


if __name__ == "__main__":
    main()
