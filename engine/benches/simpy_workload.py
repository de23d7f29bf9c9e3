"""Issue 7's workload in SimPy, for the one-off comparison the README quotes:
100 clients x 10 requests/s for 100 s, calls failing with p = 0.5 after an
exponential latency (mean 50 ms), at most 4 attempts, exponential backoff
10 ms -> 1 s with full jitter. Not part of any build or test:

    pip install simpy && python3 engine/benches/simpy_workload.py
"""
import random
import time

import simpy

CLIENTS, RATE, DURATION = 100, 10.0, 100.0
P_FAIL, MAX_ATTEMPTS, LATENCY = 0.5, 4, 0.050
BASE, CAP = 0.010, 1.0


def run(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    stats = {"requests": 0, "succeeded": 0}

    def request():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            yield env.timeout(rng.expovariate(1.0 / LATENCY))
            if rng.random() >= P_FAIL:
                stats["succeeded"] += 1
                return
            if attempt < MAX_ATTEMPTS:
                yield env.timeout(rng.uniform(0, min(CAP, BASE * 2 ** (attempt - 1))))

    def client():
        while True:
            yield env.timeout(rng.expovariate(RATE))
            if env.now >= DURATION:
                return
            stats["requests"] += 1
            env.process(request())

    for _ in range(CLIENTS):
        env.process(client())
    env.run()
    return stats


if __name__ == "__main__":
    best = None
    for seed in range(3):
        t = time.perf_counter()
        stats = run(seed)
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"simpy: {stats['requests']} requests, success {stats['succeeded'] / stats['requests']:.4f}, "
          f"best {best * 1000:.0f} ms = {stats['requests'] / best:.0f} requests/s")
