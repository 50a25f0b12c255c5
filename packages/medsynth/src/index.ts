/**
 * @lacuna/medsynth: cross-modality medical image synthesis — a simulated multi-modal brain
 * phantom, paired-volume data pipeline, a patch-based random-forest baseline, U-Net / ResNet
 * generators and pix2pix-style conditional GANs.
 */
export {};
