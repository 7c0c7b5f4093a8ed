"""PyTorch 1.13 running the Quickstart tutorial as it is written (DataLoader with shuffle, the shape print from the
test loader before the model is built), for comparing with samples/Quickstart. Run with /usr/bin/python3."""
import gzip, numpy as np, torch, torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
root="/usr/share/datasets/fashion-mnist"
def idx(p):
    d=gzip.open(p).read(); n=d[3]; dims=[int.from_bytes(d[4+4*i:8+4*i],'big') for i in range(n)]
    return np.frombuffer(d,np.uint8,offset=4+4*n).reshape(dims)
torch.manual_seed(0)
Xtr=torch.from_numpy(idx(f"{root}/train-images-idx3-ubyte.gz").astype(np.float32)/255).unsqueeze(1)
Ytr=torch.from_numpy(idx(f"{root}/train-labels-idx1-ubyte.gz").astype(np.int64))
Xte=torch.from_numpy(idx(f"{root}/t10k-images-idx3-ubyte.gz").astype(np.float32)/255).unsqueeze(1)
Yte=torch.from_numpy(idx(f"{root}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
dl=DataLoader(TensorDataset(Xtr,Ytr),batch_size=64,shuffle=True)
tdl=DataLoader(TensorDataset(Xte,Yte),batch_size=64)
for X,y in tdl:
    print(X.shape); break
m=nn.Sequential(nn.Flatten(),nn.Linear(784,512),nn.ReLU(),nn.Linear(512,512),nn.ReLU(),nn.Linear(512,10))
opt=torch.optim.SGD(m.parameters(),lr=1e-3); lf=nn.CrossEntropyLoss()
for ep in range(5):
    for X,y in dl:
        l=lf(m(X),y); l.backward(); opt.step(); opt.zero_grad()
    with torch.no_grad(): print(ep+1, 100*(m(Xte).argmax(1)==Yte).float().mean().item())
