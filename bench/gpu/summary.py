"""Summary line for bench/gpu/run.sh: Modal.GpuBench's figures against the PyTorch baselines and the issue's goals.

Goals: GEMM >= 50% of cuBLAS fp32 (torch.matmul, TF32 off) at 8192^3; top-k >= 60% of device copy bandwidth over
1,000,000 x 768. Prints one JSON line on stdout and a readable version on stderr.
"""
import json
import sys

GEMM_GOAL = 0.5
TOPK_GOAL = 0.6


def main():
    cases = []
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("{"):
                cases.append(json.loads(line))

    def find(kind, **match):
        for case in cases:
            if case.get("case") == kind and all(case.get(k) == v for k, v in match.items()):
                return case
        return None

    device = find("device") or {}
    summary = {"case": "summary", "device": device.get("name"), "cuda": device.get("cuda")}
    failed_verification = [c for c in cases if c.get("case") == "verify" and not c.get("ok")]
    summary["verified"] = not failed_verification and any(c.get("case") == "verify" for c in cases)

    gemm_sizes = sorted({c["m"] for c in cases if c.get("case") == "gemm"})
    goal_size = 8192 if 8192 in gemm_sizes else (gemm_sizes[-1] if gemm_sizes else None)
    for size in gemm_sizes:
        ours = find("gemm", m=size)
        theirs = find("torch_gemm", m=size)
        summary[f"gemm_{size}_tflops"] = ours["tflops"]
        if theirs:
            summary[f"torch_gemm_{size}_tflops"] = theirs["tflops"]
            summary[f"gemm_{size}_ratio"] = ours["tflops"] / theirs["tflops"]
    if goal_size is not None and f"gemm_{goal_size}_ratio" in summary:
        summary["gemm_goal"] = f">= {GEMM_GOAL:.0%} of torch fp32 at {goal_size}^3"
        summary["gemm_goal_met"] = summary[f"gemm_{goal_size}_ratio"] >= GEMM_GOAL

    topk = find("topk")
    copy = find("torch_copy")
    if topk:
        summary["topk_gb_per_s"] = topk["gb_per_s"]
        summary["topk_ms"] = topk["ms"]
    if topk and copy:
        summary["copy_gb_per_s"] = copy["gb_per_s"]
        summary["topk_ratio"] = topk["gb_per_s"] / copy["gb_per_s"]
        summary["topk_goal"] = f">= {TOPK_GOAL:.0%} of copy bandwidth over {topk['rows']} x {topk['dim']}"
        summary["topk_goal_met"] = summary["topk_ratio"] >= TOPK_GOAL

    print(json.dumps(summary), flush=True)

    readable = [f"device: {summary['device']}", f"verified against CPU reference: {summary['verified']}"]
    for size in gemm_sizes:
        line = f"gemm {size}^3: {summary[f'gemm_{size}_tflops']:.2f} TFLOP/s"
        if f"gemm_{size}_ratio" in summary:
            line += f" vs torch {summary[f'torch_gemm_{size}_tflops']:.2f} = {summary[f'gemm_{size}_ratio']:.0%}"
        readable.append(line)
    if "gemm_goal_met" in summary:
        readable.append(f"gemm goal ({summary['gemm_goal']}): {'met' if summary['gemm_goal_met'] else 'NOT met'}")
    if "topk_gb_per_s" in summary:
        line = f"top-k: {summary['topk_gb_per_s']:.1f} GB/s ({summary['topk_ms']:.2f} ms per search)"
        if "topk_ratio" in summary:
            line += f" vs copy {summary['copy_gb_per_s']:.1f} GB/s = {summary['topk_ratio']:.0%}"
        readable.append(line)
    if "topk_goal_met" in summary:
        readable.append(f"top-k goal ({summary['topk_goal']}): {'met' if summary['topk_goal_met'] else 'NOT met'}")
    print("\n".join("summary: " + line for line in readable), file=sys.stderr)


if __name__ == "__main__":
    main()
