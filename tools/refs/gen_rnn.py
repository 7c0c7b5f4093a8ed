"""Reference records for the recurrent layers: nn.RNN (tanh/relu), nn.LSTM (proj_size too), nn.GRU and the cells.

Run: /usr/bin/python3 tools/refs/gen_rnn.py  ->  tests/Flint.Tests/References/rnn.json

Record kinds:
  seq:     {"name", "mode", "cfg", "keys", "state", "x", "h0"?, "c0"?, "out", "h_n", "c_n"?, "out_fn", "hn_fn", "cn_fn"?,
            "gout", "ghn", "gcn"?, "grads" (named_parameters order), "gx", "gh0"?, "gc0"?} eval mode; the loss is
            sum(out*gout) + sum(h_n*ghn) [+ sum(c_n*gcn)].
  cell:    {"name", "mode", "cfg", "keys", "state", "x", "h0"?, "c0"?, "h", "c"?, "h_fn", "c_fn"?, "gh", "gc"?, "grads",
            "gx", "gh0"?, "gc0"?}
  fresh:   {"name", "mode", "cfg", "seed", "keys", "state", "repr"} a module built after manual_seed (PyTorch's init order).
  dropout: {"name", "cfg", "seed", "keys", "state", "x", "out", "h_n", "c_n"} train mode, dropout between layers, after
           manual_seed(seed) just before the call.
  error:   {"name", "error", "type"}
"""
import torch
import torch.nn as nn

from common import enc, error_scenario, write

torch.set_default_dtype(torch.float32)
cases = []
G = torch.Generator().manual_seed(2468)


def rnd(*shape, dtype=torch.float32, lo=-1.0, hi=1.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def randomize(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rnd(*p.shape, dtype=p.dtype, lo=-0.7, hi=0.7))


def state(m):
    sd = m.state_dict()
    return list(sd.keys()), [enc(v) for v in sd.values()]


def grads(m):
    return [enc(p.grad) if p.grad is not None else None for _, p in m.named_parameters()]


def fn(t):
    return None if t.grad_fn is None else t.grad_fn.name()


MODES = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}


def seq_case(name, mode, cfg, T=3, B=2, h0=False, unbatched=False, dtype=torch.float32):
    m = MODES[mode](**cfg).to(dtype)
    randomize(m)
    m.eval()
    I, H = cfg["input_size"], cfg["hidden_size"]
    P = cfg.get("proj_size", 0) or H
    D = 2 if cfg.get("bidirectional", False) else 1
    L = cfg.get("num_layers", 1)
    bf = cfg.get("batch_first", False)
    if unbatched:
        x = rnd(T, I, dtype=dtype)
    else:
        x = rnd(B, T, I, dtype=dtype) if bf else rnd(T, B, I, dtype=dtype)
    x.requires_grad_()
    hshape = (L * D, P) if unbatched else (L * D, B, P)
    cshape = (L * D, H) if unbatched else (L * D, B, H)
    rec = {"kind": "seq", "name": name, "mode": mode, "cfg": cfg, "unbatched": unbatched}
    rec["keys"], rec["state"] = state(m)
    rec["x"] = enc(x)
    hx = None
    if h0:
        h = rnd(*hshape, dtype=dtype).requires_grad_()
        rec["h0"] = enc(h)
        if mode == "LSTM":
            c = rnd(*cshape, dtype=dtype).requires_grad_()
            rec["c0"] = enc(c)
            hx = (h, c)
        else:
            hx = h
    out, hn = m(x, hx)
    cn = None
    if mode == "LSTM":
        hn, cn = hn
    rec["out"], rec["h_n"] = enc(out), enc(hn)
    rec["out_fn"], rec["hn_fn"] = fn(out), fn(hn)
    gout, ghn = rnd(*out.shape, dtype=dtype), rnd(*hn.shape, dtype=dtype)
    rec["gout"], rec["ghn"] = enc(gout), enc(ghn)
    loss = (out * gout).sum() + (hn * ghn).sum()
    if cn is not None:
        rec["c_n"], rec["cn_fn"] = enc(cn), fn(cn)
        gcn = rnd(*cn.shape, dtype=dtype)
        rec["gcn"] = enc(gcn)
        loss = loss + (cn * gcn).sum()
    loss.backward()
    rec["grads"] = grads(m)
    rec["gx"] = enc(x.grad)
    if h0:
        if mode == "LSTM":
            rec["gh0"], rec["gc0"] = enc(hx[0].grad), enc(hx[1].grad)
        else:
            rec["gh0"] = enc(hx.grad)
    cases.append(rec)


seq_case("rnn_tanh", "RNN", dict(input_size=4, hidden_size=5))
seq_case("rnn_tanh_h0", "RNN", dict(input_size=4, hidden_size=5), h0=True)
seq_case("rnn_relu_2layer_nobias", "RNN", dict(input_size=4, hidden_size=5, num_layers=2, nonlinearity="relu", bias=False), h0=True)
seq_case("rnn_bidir_batch_first", "RNN", dict(input_size=3, hidden_size=4, bidirectional=True, batch_first=True), T=4, B=3, h0=True)
seq_case("rnn_unbatched", "RNN", dict(input_size=3, hidden_size=4, num_layers=2), unbatched=True, h0=True)
seq_case("rnn_float64", "RNN", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), dtype=torch.float64)
seq_case("lstm", "LSTM", dict(input_size=4, hidden_size=5))
seq_case("lstm_h0", "LSTM", dict(input_size=4, hidden_size=5), h0=True, T=5, B=3)
seq_case("lstm_2layer_bidir_batch_first", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch_first=True), h0=True)
seq_case("lstm_nobias", "LSTM", dict(input_size=3, hidden_size=4, bias=False), h0=True)
seq_case("lstm_proj", "LSTM", dict(input_size=4, hidden_size=6, proj_size=3), h0=True)
seq_case("lstm_proj_2layer_bidir", "LSTM", dict(input_size=4, hidden_size=6, proj_size=2, num_layers=2, bidirectional=True))
seq_case("lstm_unbatched", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), unbatched=True, h0=True)
seq_case("lstm_batch1_len1", "LSTM", dict(input_size=3, hidden_size=4, batch_first=True), T=1, B=1)
seq_case("lstm_batch0", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2), B=0)
seq_case("gru_batch0_bidir", "GRU", dict(input_size=3, hidden_size=4, bidirectional=True), B=0, h0=True)
seq_case("lstm_float64", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, proj_size=3), dtype=torch.float64, h0=True)
seq_case("gru", "GRU", dict(input_size=4, hidden_size=5))
seq_case("gru_h0", "GRU", dict(input_size=4, hidden_size=5), h0=True, T=4, B=3)
seq_case("gru_2layer_bidir_batch_first", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True, batch_first=True), h0=True)
seq_case("gru_nobias", "GRU", dict(input_size=3, hidden_size=4, bias=False, num_layers=3))
seq_case("gru_unbatched", "GRU", dict(input_size=3, hidden_size=4, bidirectional=True), unbatched=True)
seq_case("gru_float64", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), dtype=torch.float64, h0=True)


def cell_case(name, mode, cfg, B=3, h0=False, unbatched=False, dtype=torch.float32):
    m = CELLS[mode](**cfg).to(dtype)
    randomize(m)
    I, H = cfg["input_size"], cfg["hidden_size"]
    x = (rnd(I, dtype=dtype) if unbatched else rnd(B, I, dtype=dtype)).requires_grad_()
    rec = {"kind": "cell", "name": name, "mode": mode, "cfg": cfg}
    rec["keys"], rec["state"] = state(m)
    rec["x"] = enc(x)
    hshape = (H,) if unbatched else (B, H)
    hx = None
    if h0:
        h = rnd(*hshape, dtype=dtype).requires_grad_()
        rec["h0"] = enc(h)
        if mode == "LSTMCell":
            c = rnd(*hshape, dtype=dtype).requires_grad_()
            rec["c0"] = enc(c)
            hx = (h, c)
        else:
            hx = h
    r = m(x, hx)
    h, c = (r if mode == "LSTMCell" else (r, None))
    rec["h"], rec["h_fn"] = enc(h), fn(h)
    gh = rnd(*h.shape, dtype=dtype)
    rec["gh"] = enc(gh)
    loss = (h * gh).sum()
    if c is not None:
        rec["c"], rec["c_fn"] = enc(c), fn(c)
        gc = rnd(*c.shape, dtype=dtype)
        rec["gc"] = enc(gc)
        loss = loss + (c * gc).sum()
    loss.backward()
    rec["grads"] = grads(m)
    rec["gx"] = enc(x.grad)
    if h0:
        if mode == "LSTMCell":
            rec["gh0"], rec["gc0"] = enc(hx[0].grad), enc(hx[1].grad)
        else:
            rec["gh0"] = enc(hx.grad)
    cases.append(rec)


cell_case("rnncell", "RNNCell", dict(input_size=4, hidden_size=5))
cell_case("rnncell_relu_h0", "RNNCell", dict(input_size=4, hidden_size=5, nonlinearity="relu"), h0=True)
cell_case("rnncell_unbatched_nobias", "RNNCell", dict(input_size=4, hidden_size=5, bias=False), h0=True, unbatched=True)
cell_case("lstmcell", "LSTMCell", dict(input_size=4, hidden_size=5))
cell_case("lstmcell_h0", "LSTMCell", dict(input_size=4, hidden_size=5), h0=True)
cell_case("lstmcell_unbatched", "LSTMCell", dict(input_size=3, hidden_size=2, bias=False), h0=True, unbatched=True)
cell_case("grucell", "GRUCell", dict(input_size=4, hidden_size=5))
cell_case("grucell_h0", "GRUCell", dict(input_size=4, hidden_size=5), h0=True)
cell_case("grucell_float64_unbatched", "GRUCell", dict(input_size=3, hidden_size=4), h0=True, unbatched=True, dtype=torch.float64)


def fresh(name, mode, cfg, seed):
    torch.manual_seed(seed)
    m = (MODES.get(mode) or CELLS[mode])(**cfg)
    rec = {"kind": "fresh", "name": name, "mode": mode, "cfg": cfg, "seed": seed, "repr": repr(m)}
    rec["keys"], rec["state"] = state(m)
    cases.append(rec)


fresh("rnn", "RNN", dict(input_size=3, hidden_size=4), 1)
fresh("rnn_relu_full", "RNN", dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu", bias=False, batch_first=True,
                                   dropout=0.25, bidirectional=True), 2)
fresh("lstm", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), 3)
fresh("lstm_proj", "LSTM", dict(input_size=3, hidden_size=5, proj_size=2, num_layers=2, bidirectional=True, batch_first=True), 4)
fresh("gru", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.5), 5)
fresh("rnncell", "RNNCell", dict(input_size=3, hidden_size=4), 6)
fresh("rnncell_relu", "RNNCell", dict(input_size=3, hidden_size=4, bias=False, nonlinearity="relu"), 7)
fresh("lstmcell", "LSTMCell", dict(input_size=3, hidden_size=4), 8)
fresh("grucell", "GRUCell", dict(input_size=3, hidden_size=4, bias=False), 9)


def dropout_case(name, mode, cfg, seed, T=4, B=3):
    m = MODES[mode](**cfg)
    randomize(m)
    m.train()
    x = rnd(T, B, cfg["input_size"])
    rec = {"kind": "dropout", "name": name, "mode": mode, "cfg": cfg, "seed": seed}
    rec["keys"], rec["state"] = state(m)
    rec["x"] = enc(x)
    torch.manual_seed(seed)
    out, hn = m(x)
    if mode == "LSTM":
        hn, cn = hn
        rec["c_n"] = enc(cn)
    rec["out"], rec["h_n"] = enc(out), enc(hn)
    cases.append(rec)


dropout_case("lstm_dropout", "LSTM", dict(input_size=3, hidden_size=4, num_layers=3, dropout=0.5), 11)
dropout_case("gru_dropout_bidir", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.3, bidirectional=True), 12)
dropout_case("rnn_dropout", "RNN", dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.5), 13)


# ---------------------------------------------------------------- errors
def R(*s):
    return torch.rand(*s)


error_scenario(cases, "dropout_range", lambda: nn.LSTM(3, 4, dropout=1.5))
error_scenario(cases, "dropout_negative", lambda: nn.GRU(3, 4, dropout=-0.1))
error_scenario(cases, "proj_negative", lambda: nn.LSTM(3, 4, proj_size=-1))
error_scenario(cases, "proj_too_big", lambda: nn.LSTM(3, 4, proj_size=4))
error_scenario(cases, "rnn_nonlinearity", lambda: nn.RNN(3, 4, nonlinearity="sigmoid"))
error_scenario(cases, "lstm_input_4d", lambda: nn.LSTM(3, 4)(R(2, 2, 2, 3)))
error_scenario(cases, "gru_input_1d", lambda: nn.GRU(3, 4)(R(3)))
error_scenario(cases, "lstm_input_size", lambda: nn.LSTM(3, 4)(R(5, 2, 6)))
error_scenario(cases, "rnn_input_size", lambda: nn.RNN(3, 4)(R(5, 2, 6)))
error_scenario(cases, "rnn_hidden_size", lambda: nn.RNN(3, 4)(R(5, 2, 3), R(1, 2, 5)))
error_scenario(cases, "rnn_hidden_batch", lambda: nn.RNN(3, 4, num_layers=2)(R(5, 2, 3), R(1, 2, 4)))
error_scenario(cases, "gru_hidden_dims", lambda: nn.GRU(3, 4)(R(5, 2, 3), R(2, 4)))
error_scenario(cases, "gru_unbatched_hidden_dims", lambda: nn.GRU(3, 4)(R(5, 3), R(1, 1, 4)))
error_scenario(cases, "lstm_hidden0_size", lambda: nn.LSTM(3, 4)(R(5, 2, 3), (R(1, 2, 5), R(1, 2, 4))))
error_scenario(cases, "lstm_hidden1_size", lambda: nn.LSTM(3, 4)(R(5, 2, 3), (R(1, 2, 4), R(1, 3, 4))))
error_scenario(cases, "lstm_proj_hidden_size", lambda: nn.LSTM(3, 4, proj_size=2)(R(5, 2, 3), (R(1, 2, 4), R(1, 2, 4))))
error_scenario(cases, "lstm_hidden_dims", lambda: nn.LSTM(3, 4)(R(5, 2, 3), (R(1, 2, 4), R(2, 4))))
error_scenario(cases, "lstm_unbatched_hidden_dims", lambda: nn.LSTM(3, 4)(R(5, 3), (R(1, 2, 4), R(1, 4))))
error_scenario(cases, "lstm_seq_len0", lambda: nn.LSTM(3, 4)(R(0, 2, 3)))
error_scenario(cases, "gru_seq_len0_batch_first", lambda: nn.GRU(3, 4, batch_first=True)(R(2, 0, 3)))
error_scenario(cases, "rnncell_input_3d", lambda: nn.RNNCell(3, 4)(R(2, 2, 3)))
error_scenario(cases, "lstmcell_input_3d", lambda: nn.LSTMCell(3, 4)(R(2, 2, 3)))
error_scenario(cases, "grucell_input_0d", lambda: nn.GRUCell(3, 4)(torch.tensor(0.5)))
error_scenario(cases, "rnncell_input_size", lambda: nn.RNNCell(3, 4)(R(2, 5)))
error_scenario(cases, "rnncell_hidden_batch", lambda: nn.RNNCell(3, 4)(R(2, 3), R(3, 4)))
error_scenario(cases, "rnncell_hidden_size", lambda: nn.RNNCell(3, 4)(R(2, 3), R(2, 5)))
error_scenario(cases, "lstmcell_hidden1_size", lambda: nn.LSTMCell(3, 4)(R(2, 3), (R(2, 4), R(2, 5))))
error_scenario(cases, "grucell_hidden_size", lambda: nn.GRUCell(3, 4)(R(2, 3), R(2, 6)))
error_scenario(cases, "rnncell_nonlinearity", lambda: nn.RNNCell(3, 4, nonlinearity="gelu")(R(2, 3)))

write("rnn", cases)
