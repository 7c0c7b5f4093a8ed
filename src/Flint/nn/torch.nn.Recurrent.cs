using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>An Elman RNN layer stack (tanh or relu), as <c>torch.nn.RNN</c>.</summary>
        public static RNN RNN(long input_size, long hidden_size, long num_layers = 1, string nonlinearity = "tanh", bool bias = true,
            bool batch_first = false, double dropout = 0, bool bidirectional = false, Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional, device, dtype);

        /// <summary>An LSTM layer stack (with an optional projection of the hidden state), as <c>torch.nn.LSTM</c>.</summary>
        public static LSTM LSTM(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
            double dropout = 0, bool bidirectional = false, long proj_size = 0, Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, proj_size, device, dtype);

        /// <summary>A GRU layer stack, as <c>torch.nn.GRU</c>.</summary>
        public static GRU GRU(long input_size, long hidden_size, long num_layers = 1, bool bias = true, bool batch_first = false,
            double dropout = 0, bool bidirectional = false, Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype);

        /// <summary>One Elman RNN step, as <c>torch.nn.RNNCell</c>.</summary>
        public static RNNCell RNNCell(long input_size, long hidden_size, bool bias = true, string nonlinearity = "tanh", Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, bias, nonlinearity, device, dtype);

        /// <summary>One LSTM step, as <c>torch.nn.LSTMCell</c>.</summary>
        public static LSTMCell LSTMCell(long input_size, long hidden_size, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, bias, device, dtype);

        /// <summary>One GRU step, as <c>torch.nn.GRUCell</c>.</summary>
        public static GRUCell GRUCell(long input_size, long hidden_size, bool bias = true, Device? device = null, DType? dtype = null) =>
            new(input_size, hidden_size, bias, device, dtype);
    }
}
