"""token revoked reason: why a link stopped working before it was used

Revision ID: 7472e98125e3
Revises: 798a8f5c0224
Create Date: 2026-11-29 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7472e98125e3'
down_revision = '798a8f5c0224'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable and left empty for existing rows: a token with used_at set and no reason keeps
    # meaning "used" (revoked tokens were recorded that way before).
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_reason', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_reason')
