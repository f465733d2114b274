"""sandbox exercise runs: one row per start of a sandbox exercise

Revision ID: b6c1d2e3f4a5
Revises: 7472e98125e3
Create Date: 2026-11-29 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.models.types


# revision identifiers, used by Alembic.
revision = 'b6c1d2e3f4a5'
down_revision = '7472e98125e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sandbox_exercise_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.String(length=64), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('started_at', lms.models.types.UTCDateTime(), nullable=False),
        sa.Column('finished_at', lms.models.types.UTCDateTime(), nullable=True),
        sa.Column('checks', sa.Integer(), nullable=False),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('findings', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sandbox_exercise_runs', schema=None) as batch_op:
        batch_op.create_index(
            'ix_sandbox_exercise_runs_user_exercise', ['user_id', 'exercise_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('sandbox_exercise_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_sandbox_exercise_runs_user_exercise')
    op.drop_table('sandbox_exercise_runs')
