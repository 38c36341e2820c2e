#!/usr/bin/env python3
"""Train one Coex trial with PyTorch (an example for @coex/plugin-trainer-command).

Reads the trial file Coex writes for each trial, builds the paper's chain CNN in PyTorch
(per layer: Conv2d with bias and "same" padding -> ReLU -> BatchNorm2d; then Flatten -> Linear),
trains it briefly and prints the metrics line Coex reads:

    {"accuracy": 0.87, "testAccuracy": 0.86, "loss": 0.41, "params": 285974, ...}

Usage (Coex substitutes {arch}):

    python3 examples/train_pytorch.py {arch} [--epochs 1] [--batch-size 64] [--lr 0.001]
        [--max-train N] [--data FILE.npz] [--device cpu|cuda]

Data, first found wins:
  1. --data FILE.npz with arrays x_train, y_train, x_val, y_val (and optionally x_test, y_test);
     images as float32 NHWC (height, width, channels last), labels as integers;
  2. the run's own splits, when the plugin runs with `trainer.exportData: true` (the trial
     file's dataset.files name .npy files, NHWC float32 images and int32 labels);
  3. synthetic data: one noisy prototype image per class, shaped like the architecture's input
     (the same data in every trial, so trials are comparable).

Every random choice (weights, data order) is seeded with the trial's seed. Progress goes to
stderr; only the final metrics line goes to stdout. A NaN loss exits with status 1, which Coex
records as a failed trial.
"""
import argparse
import json
import math
import sys
import time

import numpy as np


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Train one Coex trial (chain CNN) with PyTorch.")
    parser.add_argument("trial_file", help="the trial file Coex wrote ({arch})")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    parser.add_argument("--max-train", type=int, default=0, help="use at most this many training images (0: all)")
    parser.add_argument("--data", help=".npz file with x_train, y_train, x_val, y_val (NHWC float32)")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    return parser.parse_args(argv)


def same_padding(size, kernel, stride):
    """Output size and (before, after) padding of TensorFlow's "same" padding along one axis."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def load_data(trial, args):
    """(train, validation, test or None) as (x NHWC float32, y int64) numpy pairs."""
    if args.data:
        arrays = np.load(args.data)
        split = lambda name: (arrays["x_" + name].astype(np.float32), arrays["y_" + name].astype(np.int64))
        test = split("test") if "x_test" in arrays else None
        return split("train"), split("val"), test
    files = (trial.get("dataset") or {}).get("files")
    if files:
        split = lambda s: (np.load(s["x"]).astype(np.float32), np.load(s["y"]).astype(np.int64))
        return split(files["train"]), split(files["validation"]), split(files["test"]) if "test" in files else None
    return synthetic_data(trial["architecture"])


def synthetic_data(arch, train_size=1024, val_size=256, noise=4.0):
    """Noisy class prototypes shaped like the architecture's input; a fixed seed: same data every trial."""
    shape = (arch["input"]["height"], arch["input"]["width"], arch["input"]["channels"])
    rng = np.random.default_rng(0)
    prototypes = rng.normal(size=(arch["classes"],) + shape).astype(np.float32)

    def split(count):
        y = rng.integers(0, arch["classes"], size=count)
        x = prototypes[y] + noise * rng.normal(size=(count,) + shape).astype(np.float32)
        return x.astype(np.float32), y.astype(np.int64)

    return split(train_size), split(val_size), None


def main(argv):
    args = parse_args(argv)
    with open(args.trial_file) as f:
        trial = json.load(f)
    arch = trial["architecture"]
    if arch.get("kind") != "chain-cnn":
        sys.exit(f"train_pytorch.py builds chain-cnn architectures, not {arch.get('kind')!r}")
    try:
        import torch
        from torch import nn
    except ImportError:
        sys.exit("PyTorch is not installed for this Python (" + sys.executable + "): pip install torch")

    def build_chain_cnn():
        height, width, channels = arch["input"]["height"], arch["input"]["width"], arch["input"]["channels"]
        layers = []
        for layer in arch["layers"]:
            kernel, filters, stride = layer["kernel"], layer["filters"], layer["stride"]
            out_h, top, bottom = same_padding(height, kernel, stride)
            out_w, left, right = same_padding(width, kernel, stride)
            # Explicit padding: PyTorch's padding="same" does not allow stride 2, and TensorFlow
            # puts the odd pixel after (bottom, right), which ZeroPad2d can express.
            layers += [
                nn.ZeroPad2d((left, right, top, bottom)),
                nn.Conv2d(channels, filters, kernel, stride=stride, bias=True),
                nn.ReLU(),
                nn.BatchNorm2d(filters),
            ]
            height, width, channels = out_h, out_w, filters
        layers += [nn.Flatten(), nn.Linear(height * width * channels, arch["classes"])]
        return nn.Sequential(*layers)

    seed = int(trial["seed"])
    torch.manual_seed(seed)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    model = build_chain_cnn().to(device)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if "params" in trial and trial["params"] != params:
        print(f"warning: this model has {params} trainable parameters, Coex counts {trial['params']}", file=sys.stderr)

    (x_train, y_train), (x_val, y_val), test = load_data(trial, args)
    if args.max_train:
        x_train, y_train = x_train[: args.max_train], y_train[: args.max_train]
    # NHWC (Coex, TensorFlow) -> NCHW (PyTorch).
    tensor = lambda x, y: (torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(y))
    train_x, train_y = tensor(x_train, y_train)

    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(seed)
    started = time.time()
    loss_curve = []
    for epoch in range(args.epochs):
        model.train()
        total, seen = 0.0, 0
        for batch in torch.randperm(len(train_y), generator=order).split(args.batch_size):
            x, y = train_x[batch].to(device), train_y[batch].to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            if not torch.isfinite(loss):
                sys.exit(f"NaN loss at epoch {epoch}, after {seen} images")
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            seen += len(y)
        loss_curve.append(total / max(seen, 1))
        print(f"epoch {epoch + 1}/{args.epochs}: loss {loss_curve[-1]:.4f}", file=sys.stderr)

    def accuracy(x, y):
        model.eval()
        xs, ys = tensor(x, y)
        correct = 0
        with torch.no_grad():
            for start in range(0, len(ys), 256):
                logits = model(xs[start:start + 256].to(device))
                correct += (logits.argmax(1).cpu() == ys[start:start + 256]).sum().item()
        return correct / max(len(ys), 1)

    metrics = {
        "accuracy": accuracy(x_val, y_val),
        **({"testAccuracy": accuracy(*test)} if test is not None else {}),
        **({"loss": loss_curve[-1], "lossCurve": loss_curve} if loss_curve else {}),
        "params": params,
        "seconds": time.time() - started,
        "backend": f"pytorch-{device.type}",
    }
    # The metrics line: one JSON object on the last line of stdout.
    print(json.dumps(metrics), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
