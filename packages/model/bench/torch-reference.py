#!/usr/bin/env python3
"""PyTorch anchor for the train bench: one training step of the reference's GRU PianoTree model, timed.

Standalone (imports nothing from a2s). It builds, in PyTorch, the architecture that a2s's train bench runs for
``--config bench/torch-anchor.json`` (supervised variant: audio encoder of the ``small``
preset, the reference's PianoTree GRU decoder at the config's widths), with PyTorch's own layers (nn.GRU with
packed sequences for the note summary, nn.GRU for the time level, nn.GRUCell steps with scheduled sampling for
the note level, as the reference), and times Adam steps with gradient-norm clipping on synthetic batches
shaped like a2s's (128 frames x 84 bins of audio, 32 steps x 16 note slots).

Usage: python3 bench/torch-reference.py --config bench/torch-anchor.json [--batch 64]
       [--steps 5] [--frames 128] [--bins 84] [--threads 1,2] [--device cpu|cuda]
       python3 bench/torch-reference.py --gemm '[[M, K, N, transposeA], ...]'
Prints one JSON object (one row per thread count). With ``--gemm`` it times only those matrix products on one
thread (A is [M, K], or [K, M] used transposed; B is [K, N]) and prints their GFLOP/s: the train bench's
``--gemm true`` times the same products on our backend, to show how much of the gap is the GEMM kernel itself.
``--device cuda`` times the steps on the GPU (one row; the anchor for ``train-bench.ts --backend webgpu``).
Needs Debian's python3-torch (a bench-only dependency).
"""
import argparse
import json
import os
import random
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS, BEATS, SLOTS_ALL = 32, 8, 16  # slot 0 is SOS
PITCH_OUT, DUR_BITS = 130, 5  # MIDI 0-127, SOS, EOS; 5 duration bits
SOS, EOS, PAD = 128, 129, 130
NOTE_SIZE = PITCH_OUT + DUR_BITS

# The `small` preset's audio encoder and latent size (packages/model/src/config/presets.ts).
SMALL = {"frameHidden": 64, "beatHidden": 128, "hidden": 128, "zAud": 96}
PIANO_TREE_DEFAULTS = {"noteEmb": 128, "embHidden": 128, "timeHidden": 1024, "zIn": 256, "notesHidden": 512}


class AudioEncoder(nn.Module):
    """Frame projection, mean-pool per 16th step, beat projection, MLP over the 8 beats, Gaussian head."""

    def __init__(self, bins, frames):
        super().__init__()
        self.frames = frames
        self.frame = nn.Linear(bins, SMALL["frameHidden"])
        self.beat = nn.Linear(4 * SMALL["frameHidden"], SMALL["beatHidden"])
        self.mlp = nn.Linear(BEATS * SMALL["beatHidden"], 2 * SMALL["hidden"])
        self.mu = nn.Linear(2 * SMALL["hidden"], SMALL["zAud"])
        self.log_std = nn.Linear(2 * SMALL["hidden"], SMALL["zAud"])  # unused in the supervised variant, as in a2s

    def forward(self, audio):
        b = audio.shape[0]
        x = F.relu(self.frame(audio))  # [B, F, fh]
        x = x.view(b, STEPS, self.frames // STEPS, -1).mean(2)  # [B, 32, fh]
        x = F.relu(self.beat(x.reshape(b, BEATS, -1)))  # [B, 8, bh]
        return self.mu(F.relu(self.mlp(x.reshape(b, -1))))


class PianoTreeDecoder(nn.Module):
    """The reference's hierarchy: note-summary bi-GRU, time-level GRU over 32 steps, note-level GRU over 15 slots."""

    def __init__(self, z_dim, w):
        super().__init__()
        self.note_emb = nn.Linear(NOTE_SIZE, w["noteEmb"])
        self.summary = nn.GRU(w["noteEmb"], w["embHidden"], batch_first=True, bidirectional=True)
        self.z_hid = nn.Linear(z_dim, w["timeHidden"])
        self.z_in = nn.Linear(z_dim, w["zIn"])
        self.time_init = nn.Parameter(torch.rand(1, 2 * w["embHidden"]))
        self.time_gru = nn.GRU(2 * w["embHidden"] + w["zIn"], w["timeHidden"], batch_first=True)
        self.time_to_notes = nn.Linear(w["timeHidden"], w["notesHidden"])
        self.notes_gru = nn.GRUCell(w["timeHidden"] + w["noteEmb"], w["notesHidden"])
        self.pitch_out = nn.Linear(w["notesHidden"], PITCH_OUT)
        self.dur_out = nn.Linear(w["notesHidden"], DUR_BITS * 2)

    def forward(self, z, tokens, lengths, tfr_note):
        b = z.shape[0]
        n = b * STEPS
        emb = self.note_emb(tokens)  # [B, 32, 16, E]
        packed = nn.utils.rnn.pack_padded_sequence(emb.view(n, SLOTS_ALL, -1), lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.summary(packed)
        summary = torch.cat([h_n[0], h_n[1]], 1).view(b, STEPS, -1)
        prev = torch.cat([self.time_init.expand(b, 1, -1), summary[:, :-1]], 1)
        time_in = torch.cat([prev, self.z_in(z).unsqueeze(1).expand(-1, STEPS, -1)], 2)
        th, _ = self.time_gru(time_in, self.z_hid(z).unsqueeze(0))
        th = th.reshape(n, -1)
        gt = emb.view(n, SLOTS_ALL, -1)
        h = self.time_to_notes(th)
        x_tok = gt[:, 0]
        outs = []
        for s in range(SLOTS_ALL - 1):
            h = self.notes_gru(torch.cat([th, x_tok], 1), h)
            outs.append(h)
            if s == SLOTS_ALL - 2:
                break
            if random.random() < tfr_note:
                x_tok = gt[:, s + 1]
            else:
                with torch.no_grad():
                    pitch = F.one_hot(self.pitch_out(h).argmax(1), PITCH_OUT).float()
                    bits = self.dur_out(h).view(-1, DUR_BITS, 2).argmax(2).float()
                x_tok = self.note_emb(torch.cat([pitch, bits], 1))
        return torch.stack(outs, 1).reshape(n * (SLOTS_ALL - 1), -1)


def synthetic_batch(b, frames, bins, gen):
    """Block chords on beats, an off-beat note half the time, EOS after the last note, PAD after EOS."""
    audio = torch.randn(b, frames, bins, generator=gen)
    pitch = torch.full((b, STEPS, SLOTS_ALL), PAD, dtype=torch.long)
    dur = torch.full((b, STEPS, SLOTS_ALL, DUR_BITS), 2, dtype=torch.long)  # 2 = padded bit
    pitch[:, :, 0] = SOS
    for i in range(b):
        for t in range(STEPS):
            k = 4 if t % 4 == 0 else (1 if t % 4 == 2 and torch.rand(1, generator=gen).item() < 0.5 else 0)
            for s in range(1, k + 1):
                pitch[i, t, s] = 48 + int(torch.randint(0, 24, (1,), generator=gen))
                dur[i, t, s] = torch.randint(0, 2, (DUR_BITS,), generator=gen)
            pitch[i, t, k + 1] = EOS
    tokens = torch.zeros(b, STEPS, SLOTS_ALL, NOTE_SIZE)
    valid = pitch < PITCH_OUT
    tokens[..., :PITCH_OUT] = F.one_hot(pitch.clamp(max=PITCH_OUT - 1), PITCH_OUT).float() * valid.unsqueeze(-1)
    tokens[..., PITCH_OUT:] = (dur == 1).float()
    lengths = (pitch != PAD).sum(2).view(-1)  # slots up to and including EOS
    return audio, tokens, lengths, pitch[:, :, 1:].reshape(-1), dur[:, :, 1:].reshape(-1, DUR_BITS)


def time_steps(cfg_widths, args, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    random.seed(1)
    gen = torch.Generator().manual_seed(1)
    dev = torch.device(args.device)
    enc = AudioEncoder(args.bins, args.frames).to(dev)
    dec = PianoTreeDecoder(SMALL["zAud"], cfg_widths).to(dev)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-4)
    audio, tokens, lengths, pitch_t, dur_t = synthetic_batch(args.batch, args.frames, args.bins, gen)
    # pack_padded_sequence takes its lengths on the CPU
    audio, tokens, pitch_t, dur_t = audio.to(dev), tokens.to(dev), pitch_t.to(dev), dur_t.to(dev)
    rows = (pitch_t != PAD).nonzero().squeeze(1)
    times, cpu = [], []
    for i in range(args.steps + 1):
        t0 = time.perf_counter()
        c0 = time.process_time()
        opt.zero_grad()
        z = enc(audio)
        hs = dec(z, tokens, lengths, 0.8)[rows]
        pitch_loss = F.cross_entropy(dec.pitch_out(hs), pitch_t[rows])
        dur_logits = dec.dur_out(hs).view(-1, DUR_BITS, 2)
        dur_loss = F.cross_entropy(dur_logits.reshape(-1, 2), dur_t[rows].reshape(-1), ignore_index=2)
        loss = pitch_loss + 0.5 * dur_loss
        loss.backward()
        nn.utils.clip_grad_norm_(params, 3.0)
        opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if i > 0:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    median = statistics.median(times) if times else float("nan")
    return {
        "threads": threads,
        "stepMsMedian": round(median * 1000),
        "stepMsAll": [round(t * 1000) for t in times],
        "segmentsPerSec": round(args.batch / median, 1),
        # CPU time of the process (all its threads): on a shared machine wall time mostly measures the other jobs
        "cpuMsPerStep": [round(c * 1000) for c in cpu],
        "segmentsPerCpuSec": round(args.batch / statistics.median(cpu), 1) if cpu else None,
        "noteRows": int(rows.numel()),
        "lastLoss": round(loss.item(), 4),
    }, sum(p.numel() for p in params)


def time_gemms(shapes):
    """GFLOP/s of each product on one thread: the median of 5 timings, each over enough repeats for 0.2 s."""
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    rows = []
    for m, k, n, transpose_a in shapes:
        a = torch.randn((k, m) if transpose_a else (m, k), generator=gen)
        b = torch.randn((k, n), generator=gen)
        product = (lambda: a.t() @ b) if transpose_a else (lambda: a @ b)
        product()
        reps, t = 1, 0.0
        while True:
            t0 = time.perf_counter()
            for _ in range(reps):
                product()
            t = time.perf_counter() - t0
            if t >= 0.2:
                break
            reps *= 2
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(reps):
                product()
            times.append((time.perf_counter() - t0) / reps)
        ms = statistics.median(times) * 1000
        rows.append({"m": m, "k": k, "n": n, "transposeA": bool(transpose_a), "ms": round(ms, 3), "gflops": round(2 * m * k * n / ms / 1e6, 1)})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemm", default=None, help="JSON list of [M, K, N, transposeA]: time these products only")
    ap.add_argument("--config")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--frames", type=int, default=128)
    ap.add_argument("--bins", type=int, default=84)
    ap.add_argument("--threads", default=None, help="comma-separated thread counts (default 1 and the core count)")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda: time the steps on the GPU (one row, one CPU thread)")
    args = ap.parse_args()
    if args.gemm is not None:
        print(json.dumps({"framework": f"PyTorch {torch.__version__}", "threads": 1, "gemm": time_gemms(json.loads(args.gemm))}, indent=2))
        return
    if args.config is None:
        raise SystemExit("torch-reference.py: --config is required (or --gemm)")
    with open(args.config) as f:
        model = json.load(f).get("model", {})
    if model.get("decoder") != "pianotree-gru" or model.get("variant") != "supervised":
        raise SystemExit(f"{args.config}: the PyTorch anchor mirrors the supervised pianotree-gru model only")
    widths = {**PIANO_TREE_DEFAULTS, **{k: v for k, v in model.get("pianoTree", {}).items() if k in PIANO_TREE_DEFAULTS}}
    cores = os.cpu_count() or 1
    threads = [int(t) for t in args.threads.split(",")] if args.threads else sorted({1, cores})
    device = torch.device(args.device)
    if device.type != "cpu":
        threads = threads[:1]
    rows, n_params = [], 0
    for t in threads:
        row, n_params = time_steps(widths, args, t)
        rows.append(row)
    best = max(rows, key=lambda r: r["segmentsPerSec"]) if rows else None
    print(json.dumps({
        "framework": f"PyTorch {torch.__version__}",
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else str(device),
        "parameters": n_params,
        "batch": args.batch,
        "rows": rows,
        "segmentsPerSec": rows[0]["segmentsPerSec"] if rows else None,
        "bestSegmentsPerSec": best["segmentsPerSec"] if best else None,
        "loadAverage": [round(x, 2) for x in os.getloadavg()],
    }, indent=2))


if __name__ == "__main__":
    main()
