"""The seed's demo: the 2018 Lào Cai case (Đề án 17-ĐA/TU, Kế hoạch 112-KH/TU).

The loader builds the units, the programme, the plan and one account per
role, then calls ``load(ctx)`` in each installed app's ``demo`` module, in
INSTALLED_APPS order, so every part adds its own realistic data.
"""
