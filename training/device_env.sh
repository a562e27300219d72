# Sourced by the device_round*.sh scripts: finds a python with torch (a CUDA build on a GPU
# machine, Debian's on CPU) and sets PY, DEV (cuda or cpu) and PYTHONUNBUFFERED; prints what it found.
export PYTHONUNBUFFERED=1
PY=""
for p in python3 /usr/bin/python3 python; do
  if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then PY=$p; break; fi
done
[ -z "$PY" ] && { echo "no python with torch"; exit 3; }
nvidia-smi -L 2>/dev/null
DEV=$($PY -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
