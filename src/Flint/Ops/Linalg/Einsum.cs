using Flint.Ops.Linalg;

namespace Flint.Ops.Linalg
{
    /// <summary>
    /// torch.einsum: parses the equation, lines every operand up on one shared dimension order (diagonals for
    /// repeated subscripts, size-1 dims for absent ones), then contracts the operands left to right as PyTorch
    /// 1.13 does, summing a dimension as soon as no later operand needs it and handing contractions to bmm.
    /// </summary>
    internal static class EinsumImpl
    {
        private const int Ell = -1;
        private const int NumLabels = 52;

        private static bool IsLabel(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
        /// <summary>Upper case first, then lower case (the order of the implicit output).</summary>
        private static int LabelIndex(char c) => c <= 'Z' ? c - 'A' : c - 'a' + 26;
        private static char LabelChar(int l) => l < 26 ? (char)('A' + l) : (char)('a' + l - 26);

        private static ArgumentException Error(string msg) => new("einsum(): " + msg);

        internal static Tensor Run(string equation, Tensor[] operands)
        {
            if (operands is null || operands.Length == 0)
                throw Error("must specify the equation string and at least one operand, or at least one operand and its subscripts list");
            int numOps = operands.Length;
            int arrow = equation.IndexOf("->", StringComparison.Ordinal);
            string lhs = arrow < 0 ? equation : equation[..arrow];

            // ---- parse the operands' subscripts
            var opLabels = new List<int>[numOps];
            for (int i = 0; i < numOps; i++) opLabels[i] = [];
            int curr = 0;
            bool foundEll = false;
            for (int i = 0; i < lhs.Length; i++)
            {
                char ch = lhs[i];
                switch (ch)
                {
                    case ' ':
                        break;
                    case '.':
                        if (foundEll) throw Error($"found '.' for operand {curr} for which an ellipsis was already found");
                        if (!(i + 2 < lhs.Length && lhs[i + 1] == '.' && lhs[i + 2] == '.'))
                            throw Error($"found '.' for operand {curr} that is not part of any ellipsis");
                        opLabels[curr].Add(Ell);
                        foundEll = true;
                        i += 2;
                        break;
                    case ',':
                        curr++;
                        if (curr >= numOps) throw Error("fewer operands were provided than specified in the equation");
                        foundEll = false;
                        break;
                    default:
                        if (!IsLabel(ch))
                            throw Error($"invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]");
                        opLabels[curr].Add(LabelIndex(ch));
                        break;
                }
            }
            if (curr != numOps - 1) throw Error("more operands were provided than specified in the equation");

            // ---- count subscripts, check them against the operands' ranks
            var labelCount = new int[NumLabels];
            int ellNumDim = 0;
            for (int i = 0; i < numOps; i++)
            {
                var labels = opLabels[i];
                int ndim = operands[i].ndim;
                int nlabels = labels.Count;
                bool hasEll = labels.Contains(Ell);
                if (hasEll)
                {
                    nlabels--;
                    if (nlabels > ndim)
                        throw Error($"the number of subscripts in the equation ({nlabels}) is more than the number of dimensions ({ndim}) for operand {i}");
                    ellNumDim = Math.Max(ellNumDim, ndim - nlabels);
                }
                else if (nlabels != ndim)
                    throw Error($"the number of subscripts in the equation ({nlabels}) does not match the number of dimensions ({ndim}) for operand {i} and no ellipsis was given");
                foreach (var l in labels) if (l != Ell) labelCount[l]++;
            }

            // ---- the output: explicit after '->', else the ellipsis then every subscript seen exactly once, sorted
            var permIndex = new int[NumLabels];
            Array.Fill(permIndex, -1);
            int perm = 0, ellIndex = 0;
            bool outEll = false;
            if (arrow < 0)
            {
                perm = ellNumDim;
                outEll = true;
                for (int l = 0; l < NumLabels; l++) if (labelCount[l] == 1) permIndex[l] = perm++;
            }
            else
            {
                string rhs = equation[(arrow + 2)..];
                for (int i = 0; i < rhs.Length; i++)
                {
                    char ch = rhs[i];
                    if (ch == ' ') continue;
                    if (ch == '.')
                    {
                        if (outEll) throw Error("found '.' for output but an ellipsis (...) was already found");
                        if (!(i + 2 < rhs.Length && rhs[i + 1] == '.' && rhs[i + 2] == '.'))
                            throw Error("found '.' for output that is not part of any ellipsis (...)");
                        ellIndex = perm;
                        perm += ellNumDim;
                        outEll = true;
                        i += 2;
                        continue;
                    }
                    if (!IsLabel(ch))
                        throw Error($"invalid subscript given at index {arrow + 2 + i} in the equation string, subscripts must be in [a-zA-Z]");
                    int l = LabelIndex(ch);
                    if (labelCount[l] == 0 || permIndex[l] != -1)
                        throw Error($"output subscript {ch}" + (permIndex[l] > -1 ? " appears more than once in the output" : " does not appear in the equation for any input operand"));
                    permIndex[l] = perm++;
                }
            }
            int outSize = perm;
            if (!outEll) { ellIndex = perm; perm += ellNumDim; }
            for (int l = 0; l < NumLabels; l++)
                if (labelCount[l] > 0 && permIndex[l] == -1) permIndex[l] = perm++;
            int dims = perm;

            // ---- line every operand up on the shared order: a strided view, no copies
            var ops = new Tensor[numOps];
            var seenSize = new long[dims];
            Array.Fill(seenSize, 1);
            var dimLastOp = new int[dims];
            for (int i = 0; i < numOps; i++)
            {
                var op = operands[i];
                var sizes = new long[dims];
                var strides = new long[dims];
                var set = new bool[dims];
                Array.Fill(sizes, 1);
                var labels = opLabels[i];
                int nonEll = labels.Count(l => l != Ell);
                int j = 0;
                foreach (var l in labels)
                {
                    if (l == Ell)
                    {
                        int nEll = op.ndim - nonEll;
                        for (int e = 0; e < nEll; e++, j++)
                        {
                            int d = ellIndex + ellNumDim - nEll + e;
                            long s = op._shape[j];
                            if (s != 1 && seenSize[d] != 1 && s != seenSize[d])
                                throw Error($"dimension {j} covered by ellipsis in operand {i}has size {s} which does not broadcast with previously seen ellipsis with size {seenSize[d]} for the respective dimension");
                            sizes[d] = s; strides[d] = op._strides[j]; set[d] = true;
                        }
                        continue;
                    }
                    int t = permIndex[l];
                    if (set[t])
                    {
                        if (op._shape[j] != sizes[t])
                            throw Error($"subscript {LabelChar(l)} is repeated for operand {i} but the sizes don't match, {op._shape[j]} != {sizes[t]}");
                        strides[t] += op._strides[j];
                    }
                    else
                    {
                        long s = op._shape[j];
                        if (s != 1 && seenSize[t] != 1 && s != seenSize[t])
                            throw Error($"subscript {LabelChar(l)} has size {s} for operand {i} which does not broadcast with previously seen size {seenSize[t]}");
                        sizes[t] = s; strides[t] = op._strides[j]; set[t] = true;
                    }
                    j++;
                }
                for (int d = 0; d < dims; d++)
                    if (sizes[d] != 1) { seenSize[d] = sizes[d]; dimLastOp[d] = i; }
                // a recorded strided view (repeated subscripts read a diagonal), so gradients reach the operand
                ops[i] = Autograd.Recording.Needs(op) ? op.as_strided(sizes, strides, op._offset) : op.View(sizes, strides, op._offset);
            }

            // ---- contract left to right, dropping each dim once no later operand has it
            var result = ops[0];
            for (int d = outSize, dim = outSize; d < dims; d++, dim++)
            {
                if (dimLastOp[d] != 0) continue;
                result = result._shape[dim] == 1 ? result.squeeze(dim) : SumDim(result, dim);
                dim--;
            }
            for (int i = 1; i < numOps; i++)
            {
                var operand = ops[i];
                var sumDims = new List<int>();
                for (int d = outSize, dim = outSize; d < dims; d++, dim++)
                {
                    if (dimLastOp[d] < i) { operand = operand.squeeze(dim); dim--; }
                    else if (dimLastOp[d] == i)
                    {
                        if (result._shape[dim] == 1)
                        {
                            operand = SumDim(operand, dim);
                            result = result.squeeze(dim);
                            dim--;
                        }
                        else sumDims.Add(dim);
                    }
                }
                result = sumDims.Count == 0 ? torch.mul(result, operand) : SumProductPair(result, operand, sumDims);
            }
            return result;
        }

        /// <summary>
        /// (left * right).sum(sumDims) for two operands of equal rank, through one bmm: the dims both operands
        /// have become the batch, left-only dims the rows, right-only dims the columns.
        /// </summary>
        private static Tensor SumProductPair(Tensor left, Tensor right, List<int> sumDims)
        {
            int n = left.ndim;
            var lro = new List<int>(); var lo = new List<int>(); var ro = new List<int>(); var sum = new List<int>(); var drop = new List<int>();
            long lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
            for (int i = 0; i < n; i++)
            {
                bool sl = left._shape[i] != 1, sr = right._shape[i] != 1;
                if (sumDims.Contains(i))
                {
                    if (sl && sr) { sum.Add(i); sumSize *= left._shape[i]; continue; }
                    if (sl) left = SumDim(left, i, keepdim: true);
                    else if (sr) right = SumDim(right, i, keepdim: true);
                    drop.Add(i);
                }
                else if (sl && sr) { lro.Add(i); lroSize *= left._shape[i]; }
                else if (sl) { lo.Add(i); loSize *= left._shape[i]; }
                else { ro.Add(i); roSize *= right._shape[i]; }
            }
            // dims of size 1 on a side (the other side's rows or columns, one-sided sums) trail and vanish in the reshape
            var lperm = lro.Concat(lo).Concat(sum).Concat(ro).Concat(drop).Select(d => (long)d).ToArray();
            var rperm = lro.Concat(sum).Concat(ro).Concat(lo).Concat(drop).Select(d => (long)d).ToArray();
            var l3 = left.permute(lperm).reshape(lroSize, loSize, sumSize);
            var r3 = right.permute(rperm).reshape(lroSize, sumSize, roSize);
            var prod = torch.bmm(l3, r3);
            var outDims = lro.Concat(lo).Concat(ro).ToList();
            var outShape = lro.Select(d => left._shape[d]).Concat(lo.Select(d => left._shape[d])).Concat(ro.Select(d => right._shape[d])).ToArray();
            var r = prod.view(outShape);
            var sorted = outDims.OrderBy(d => d).ToList();
            var back = sorted.Select(d => (long)outDims.IndexOf(d)).ToArray();
            return r.permute(back);
        }

        /// <summary>
        /// torch.sum over one dim with its dtype rule (bool and integers sum to int64), computed as a product with
        /// a vector of ones so that it runs on the backend's GEMM.
        /// </summary>
        internal static Tensor SumDim(Tensor t, int dim, bool keepdim = false)
        {
            if (Autograd.Recording.Needs(t)) return t.sum(dim, keepdim);
            var outDtype = t.dtype.is_floating_point ? t.dtype : DType.Int64;
            var compute = outDtype.itemsize == 2 && outDtype.is_floating_point ? DType.Float32 : outDtype;
            var x = t.to(compute).movedim(dim, -1);
            long n = x._shape[^1];
            var rest = x._shape[..^1];
            long rows = Shape.Numel(rest);
            var x3 = x.reshape(1, rows, n);
            var ones = torch.ones([1, n, 1], dtype: compute, device: t.device);
            var c = Tensor.Empty([1, rows, 1], compute, t.device);
            c.Backend.Gemm(x3, ones, c, 1, 0);
            var r = c.view(rest).to(outDtype);
            return keepdim ? r.unsqueeze(dim) : r;
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>
        /// Einstein summation: <c>torch.einsum("ij,jk->ik", a, b)</c>. Subscripts are letters; '...' stands for the
        /// broadcast dims; a subscript repeated in one operand takes a diagonal; without '->' the output is the
        /// ellipsis dims followed by the subscripts that appear once, in alphabetical order (upper case first).
        /// </summary>
        public static Tensor einsum(string equation, params Tensor[] operands) => EinsumImpl.Run(equation, operands);
    }
}
