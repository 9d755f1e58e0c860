"""Device sync: one journal on several devices, end-to-end encrypted, no edit ever lost.

``versions`` (how concurrent versions merge), ``records`` (capture, merge, write through),
``engine`` (one round with the place), ``crypto`` (sealing and key wrapping) and ``service``
(what the front ends call).
"""
