#!/usr/bin/python3
"""PyTorch twin of the Lacuna benchmark U-Net (bench/backend.ts), for timing only.

Classic U-Net, base 32, 4 levels: per level two 3x3 convs (no bias) + InstanceNorm(affine) +
ReLU, max-pool down, 2x2 stride-2 transposed conv up, skip concat, final 1x1 conv.
Run with Debian's system Python (/usr/bin/python3), which has python3-torch:
    /usr/bin/python3 bench/torch_unet.py --threads 2 --steps 10
Prints one JSON line: {"torch_ms": ..., "params": ..., "threads": ..., "torch": "<version>"}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout, affine=True), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.InstanceNorm2d(cout, affine=True), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, cin=1, cout=1, base=32, depth=4):
        super().__init__()
        widths = [base * 2 ** i for i in range(depth + 1)]
        self.inc = double_conv(cin, widths[0])
        self.downs = nn.ModuleList(double_conv(widths[i], widths[i + 1]) for i in range(depth))
        self.ups = nn.ModuleList(nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in reversed(range(depth)))
        self.up_convs = nn.ModuleList(double_conv(widths[i + 1], widths[i]) for i in reversed(range(depth)))
        self.outc = nn.Conv2d(widths[0], cout, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(self.pool(skips[-1])))
        y = skips.pop()
        for up, conv in zip(self.ups, self.up_convs):
            y = conv(torch.cat([skips.pop(), up(y)], dim=1))
        return self.outc(y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--size', type=int, default=128)
    p.add_argument('--infer-slices', type=int, default=0,
                   help='time inference instead: this many size x size slices, --batch at a time, no gradients')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = UNet()
    if a.infer_slices:
        net.eval()
        x = torch.randn(a.batch, 1, a.size, a.size)
        with torch.no_grad():
            net(x[:1])  # warm-up
            t = time.perf_counter()
            done = 0
            while done < a.infer_slices:
                n = min(a.batch, a.infer_slices - done)
                net(x[:n]).sum().item()
                done += n
            seconds = time.perf_counter() - t
        print(json.dumps({'torch_seconds': seconds, 'params': sum(q.numel() for q in net.parameters()),
                          'threads': torch.get_num_threads(), 'torch': torch.__version__}))
        return
    opt = torch.optim.Adam(net.parameters(), lr=2e-4)
    x = torch.randn(a.batch, 1, a.size, a.size)
    y = torch.randn(a.batch, 1, a.size, a.size)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = (net(x) - y).abs().mean()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t = time.perf_counter()
    for _ in range(a.steps):
        step()
    ms = (time.perf_counter() - t) * 1000 / a.steps
    print(json.dumps({'torch_ms': ms, 'params': sum(q.numel() for q in net.parameters()),
                      'threads': torch.get_num_threads(), 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
