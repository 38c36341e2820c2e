#!/usr/bin/env python3
"""Coex trainer-torch worker: trains chain-CNN children with PyTorch, one after another.

Started once per executor slot by @coex/plugin-trainer-torch and kept between trials. Protocol:
one JSON object per line on stdin (requests) and stdout (replies); stderr is free text.

  worker -> {"type": "ready", "pid": 123, "torch": "1.13.0", "python": "/usr/bin/python3"}
  coex   -> {"type": "train", "id": 7, "seed": 42, "architecture": {...}, "data": "<manifest.json>",
             "options": {...}, "saveDir": null}
  worker -> {"type": "curve", "id": 7, "point": {"step": 8, "epoch": 1, "accuracy": 0.5, "loss": 1.2}}
  worker -> {"type": "result", "id": 7, "result": {...}}
         or {"type": "error", "id": 7, "name": "TimeLimitError", "message": "..."}

Every reply also has "cpu": the process's CPU seconds so far (time.process_time()).

The network is the one @coex/plugin-trainer-tfjs builds: per layer Conv2D (bias, TensorFlow "same"
padding) -> ReLU -> BatchNorm, then Flatten -> Dense; Glorot-uniform kernels, zero biases; the same
optimizers, learning-rate schedules and BatchNorm settings. End of stdin ends the worker at once,
even mid-training, so it never outlives Coex (nor a terminated worker thread, whose pipes close).
"""
import json
import math
import os
import queue
import sys
import threading
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SGD_MOMENTUM = 0.9  # the 'momentum' optimizer, as trainer-tfjs
STEP_MILESTONES = (0.5, 0.75)


class TrialError(Exception):
    """A trial that fails with a name Coex shows (TimeLimitError, NonFiniteLossError, ...)."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def send(message):
    # Every reply carries the process's CPU seconds so far (all threads, start-up included): Coex
    # charges each child what the process used since the previous child's end (`cpuSeconds`).
    message["cpu"] = time.process_time()
    sys.stdout.write(json.dumps(message, allow_nan=False) + "\n")
    sys.stdout.flush()


def same_padding(size, kernel, stride):
    """Output size and (before, after) padding of TensorFlow's "same" padding along one axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


class ChainCnn(nn.Module):
    """Conv2d (bias, "same") -> ReLU -> BatchNorm2d per layer, then Flatten -> Linear (logits)."""

    def __init__(self, arch, bn_momentum, bn_epsilon):
        super().__init__()
        height, width, channels = arch["input"]["height"], arch["input"]["width"], arch["input"]["channels"]
        layers = []
        for layer in arch["layers"]:
            kernel, filters, stride = layer["kernel"], layer["filters"], layer["stride"]
            out_h, top, bottom = same_padding(height, kernel, stride)
            out_w, left, right = same_padding(width, kernel, stride)
            # Explicit padding: TensorFlow puts the odd pixel after (bottom, right).
            layers += [
                nn.ZeroPad2d((left, right, top, bottom)),
                nn.Conv2d(channels, filters, kernel, stride=stride, bias=True),
                nn.ReLU(),
                # Keras momentum m is PyTorch momentum 1 - m.
                nn.BatchNorm2d(filters, eps=bn_epsilon, momentum=1 - bn_momentum),
            ]
            height, width, channels = out_h, out_w, filters
        self.features = nn.Sequential(*layers)
        self.dense = nn.Linear(height * width * channels, arch["classes"])
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(module.weight)  # Keras's glorotUniform
                nn.init.zeros_(module.bias)

    def forward(self, x):
        return self.dense(torch.flatten(self.features(x), 1))

    def batch_norms(self):
        return [m for m in self.features if isinstance(m, nn.BatchNorm2d)]


def create_optimizer(name, params, lr):
    # Epsilons and RMSProp's decay as TensorFlow.js has them, so both trainers take the same steps.
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=SGD_MOMENTUM)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, eps=1e-7)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    raise TrialError("UserError", f"unknown optimizer {name!r}")


def learning_rate_at(schedule, base, step, total):
    progress = step / total if total > 0 else 0
    if schedule == "cosine":
        return base * 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "step":
        return base * 0.1 ** sum(1 for m in STEP_MILESTONES if progress >= m)
    return base


_data_cache = {}


def load_data(manifest_path):
    """The run's splits as NCHW float32 / int64 tensors, memory-mapped from the files Coex wrote."""
    cached = _data_cache.get(manifest_path)
    if cached is not None and cached[0] == os.stat(manifest_path).st_mtime_ns:
        return cached[1]
    with open(manifest_path) as f:
        manifest = json.load(f)
    shape = manifest["shape"]
    c, h, w = shape["channels"], shape["height"], shape["width"]
    splits = {}
    for name, split in manifest["splits"].items():
        n = split["count"]
        x = torch.from_file(split["x"], shared=False, size=n * c * h * w, dtype=torch.float32).view(n, c, h, w) if n else torch.zeros(0, c, h, w)
        y = torch.from_file(split["y"], shared=False, size=n, dtype=torch.int32).long() if n else torch.zeros(0, dtype=torch.long)
        splits[name] = (x, y)
    _data_cache.clear()  # one run's data at a time
    _data_cache[manifest_path] = (os.stat(manifest_path).st_mtime_ns, splits)
    return splits


def evaluate(model, split, batch_size):
    x, y = split
    if len(y) == 0:
        return float("nan"), float("nan")
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for start in range(0, len(y), batch_size):
            logits = model(x[start:start + batch_size])
            target = y[start:start + batch_size]
            correct += (logits.argmax(1) == target).sum().item()
            loss_sum += F.cross_entropy(logits, target, reduction="sum").item()
    model.train()
    return correct / len(y), loss_sum / len(y)


def finite_or_none(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def train(request, emit_curve):
    started = time.perf_counter()
    options = request["options"]
    elapsed = lambda: time.perf_counter() - started
    time_limit = options.get("timeLimit")

    def check_time(where):
        if time_limit is not None and elapsed() > time_limit:
            raise TrialError("TimeLimitError", f"training exceeded trainer.timeLimit ({time_limit:g} s) {where}, after {elapsed():.1f} s")

    seed = int(request["seed"])
    torch.manual_seed(seed)
    data = load_data(request["data"])
    train_x, train_y = data["train"]
    model = ChainCnn(request["architecture"], options["batchNormMomentum"], options["batchNormEpsilon"])
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = create_optimizer(options["optimizer"], model.parameters(), options["learningRate"])
    batch_norms = model.batch_norms()
    order = torch.Generator().manual_seed(seed + 1)  # the data order, apart from the weights' stream
    batch_size, epochs = options["batchSize"], options["epochs"]
    steps_per_epoch = -(-len(train_y) // batch_size)
    total_steps = steps_per_epoch * epochs
    report_every, loss_every, patience = options["reportEvery"], options["lossEvery"], options["earlyStopping"]
    eval_batch = options["evalBatchSize"]

    curve, loss_curve, accuracy_curve = [], [], []
    window = [0.0, 0]  # loss sum, images since the last curve point
    loss_window = [0.0, 0]
    step_seconds, step_images = 0.0, 0
    best = (-1.0, 0)
    step, epochs_run, epoch_loss = 0, 0, float("nan")
    validation = None  # (accuracy, loss) after the last step, when measured

    def curve_point(epoch_done):
        nonlocal validation
        check_time("before validating")
        validation = evaluate(model, data["validation"], eval_batch)
        point = {"step": step, "epoch": round(epoch_done, 4), "accuracy": validation[0],
                 "loss": window[0] / window[1] if window[1] else float("nan")}
        window[0], window[1] = 0.0, 0
        curve.append(point)
        emit_curve({k: finite_or_none(v) for k, v in point.items()})

    model.train()
    for epoch in range(1, epochs + 1):
        epoch_sum, epoch_images = 0.0, 0
        for b, batch in enumerate(torch.randperm(len(train_y), generator=order).split(batch_size), start=1):
            check_time(f"at epoch {epoch}, step {b}")
            t0 = time.perf_counter()
            lr = learning_rate_at(options["schedule"], options["learningRate"], step, total_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            # BatchNorm moving statistics: warm start averages the batches seen so far (trainer-tfjs).
            rate = 1 - options["batchNormMomentum"]
            rate = max(rate, 1 / (step + 1)) if options["batchNormWarmStart"] else rate
            for bn in batch_norms:
                bn.momentum = rate
            x, y = train_x[batch], train_y[batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            value = loss.item()
            if not math.isfinite(value):
                raise TrialError("NonFiniteLossError", f"NaN loss at epoch {epoch}, step {b}" + ("" if math.isnan(value) else f" (the loss was {value})"))
            loss.backward()
            optimizer.step()
            if step > 0:  # the first step (warm-up) is left out of images/s, as trainer-tfjs does
                step_seconds += time.perf_counter() - t0
                step_images += len(y)
            else:
                first = (time.perf_counter() - t0, len(y))
            step += 1
            n = len(y)
            epoch_sum, epoch_images = epoch_sum + value * n, epoch_images + n
            window[0], window[1] = window[0] + value * n, window[1] + n
            loss_window[0], loss_window[1] = loss_window[0] + value * n, loss_window[1] + n
            validation = None
            if loss_every > 0 and step % loss_every == 0:
                loss_curve.append(loss_window[0] / loss_window[1])
                loss_window[0], loss_window[1] = 0.0, 0
            if report_every > 0 and step % report_every == 0 and b < steps_per_epoch:
                curve_point(epoch - 1 + b / steps_per_epoch)
        epoch_loss = epoch_sum / epoch_images
        if loss_every == 0:
            loss_curve.append(epoch_loss)
        epochs_run = epoch
        curve_point(epoch)
        if patience > 0:
            accuracy_curve.append(validation[0])
            if validation[0] > best[0]:
                best = (validation[0], epoch)
            if epoch - best[1] >= patience:
                break
    if loss_every > 0 and loss_window[1] > 0:
        loss_curve.append(loss_window[0] / loss_window[1])
    check_time("before scoring")
    accuracy, validation_loss = validation if validation is not None else evaluate(model, data["validation"], eval_batch)
    test = data.get("test")
    result = {
        "accuracy": accuracy,
        "loss": epoch_loss,
        "lossCurve": loss_curve,
        "validationLoss": validation_loss,
        "params": params,
        "backend": "torch",
        "imagesPerSecond": step_images / step_seconds if step_images else (first[1] / first[0] if step else 0),
        "epochs": epochs_run,
        "steps": step,
        "curve": curve,
    }
    if test is not None and len(test[1]) > 0:
        result["testAccuracy"] = evaluate(model, test, eval_batch)[0]
    if patience > 0:
        result["accuracyCurve"] = accuracy_curve
        result["stoppedEarly"] = epochs_run < epochs
    if request.get("saveDir"):
        os.makedirs(request["saveDir"], exist_ok=True)
        result["savedTo"] = os.path.join(request["saveDir"], "model.pt")
        torch.save(model.state_dict(), result["savedTo"])
    result["seconds"] = elapsed()
    return result


def read_requests(inbox):
    """Reads stdin on its own thread: its end (Coex closed the pipe or died) ends the process at once."""
    for line in sys.stdin:
        line = line.strip()
        if line:
            inbox.put(line)
    os._exit(0)


def main():
    threads = int(os.environ.get("COEX_TORCH_THREADS", "1"))
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    inbox = queue.Queue()
    threading.Thread(target=read_requests, args=(inbox,), daemon=True).start()
    send({"type": "ready", "pid": os.getpid(), "torch": torch.__version__, "python": sys.executable, "threads": torch.get_num_threads()})
    while True:
        request = json.loads(inbox.get())
        if request.get("type") != "train":
            continue
        rid = request["id"]
        try:
            result = train(request, lambda point: send({"type": "curve", "id": rid, "point": point}))
            send({"type": "result", "id": rid, "result": {k: finite_or_none(v) if isinstance(v, float) else v for k, v in result.items()}})
        except TrialError as error:
            send({"type": "error", "id": rid, "name": error.name, "message": str(error)})
        except Exception as error:  # a bug or a bad request: report it, keep serving
            send({"type": "error", "id": rid, "name": type(error).__name__, "message": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    main()
